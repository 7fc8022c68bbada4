import Foundation
import Testing

@testable import SwiftcornLogging

@Suite("Text lines, event records and journal field names")
struct RecordFormatTests {
    @Test func gunicornStyleAccessLine() {
        var record = AccessRecordJSONTests.record(userAgent: "curl/8.0 \"quoted\"")
        record.referer = ""
        let line = String(decoding: record.textLine(), as: UTF8.self)
        #expect(
            line == "127.0.0.1 - - [28/Nov/2026:17:18:00 +0000] \"GET /?a=1 HTTP/1.1\" 200 5 \"-\" \"curl/8.0 \\x22quoted\\x22\" 0.012345\n"
        )
    }

    @Test func eventRecordKeepsMetadataAsFields() throws {
        let record = EventRecord(
            timestampMicroseconds: 0,
            level: "error",
            logger: "app",
            message: "payment failed\nretrying",
            worker: 3,
            pid: 77,
            file: "/home/build/Sources/MyApp/Payments.swift",
            line: 42,
            function: "charge()",
            metadata: [("order", "A-1"), ("pid", "shadowed")]
        )
        let bytes = record.jsonLine()
        #expect(bytes.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["event"] as? String == "log")
        #expect(object["message"] as? String == "payment failed\nretrying")
        #expect(object["source"] as? String == "MyApp/Payments.swift:42")
        #expect(object["order"] as? String == "A-1")
        #expect(object["pid"] as? Int == 77)
        #expect(object["meta_pid"] as? String == "shadowed")
        let text = String(decoding: record.textLine(), as: UTF8.self)
        #expect(text == "[1970-01-01 00:00:00 +0000] [77] [ERROR] payment failed\\x0Aretrying order=A-1 pid=shadowed\n")
    }

    @Test(arguments: [
        ("user.id", "USER_ID"),
        ("message", "META_MESSAGE"),
        ("_private", "META__PRIVATE"),
        ("9lives", "META_9LIVES"),
        ("héllo", "H_LLO"),
        (String(repeating: "k", count: 80), String(repeating: "K", count: 64)),
    ])
    func journalFieldNames(_ key: String, _ expected: String) {
        #expect(JournalFieldName.forMetadataKey(key) == expected)
    }

    @Test func journalPriorities() {
        #expect(["debug", "info", "notice", "warning", "error", "critical"].map(JournalSink.priority) == [7, 6, 5, 4, 3, 2])
    }
}
