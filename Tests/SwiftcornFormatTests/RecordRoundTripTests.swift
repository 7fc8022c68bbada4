import SwiftcornFormat
import Testing

@testable import SwiftcornLogAnalysis
@testable import SwiftcornLogging

/// A record written by the server's writers and read back by the analyser's parser: every
/// field of the schema, with strings chosen to break an escaper.
@Suite struct RecordRoundTripTests {
    /// Quotes, backslashes, every control, DEL, U+2028/9, non-ASCII, and what invalid UTF-8 in a
    /// header becomes (the writer takes `String`s, so U+FFFD).
    static let hostile =
        "q\"b\\s/ " + String((0..<0x20).map { Character(Unicode.Scalar($0)!) }) + "\u{7F} \u{2028}\u{2029} café 日本 🙂 "
        + String(decoding: [0xFF, 0xC3, 0x28, 0xE2, 0x80], as: UTF8.self) + " \\u0041 end"

    static func record(route: String?) -> SwiftcornLogging.AccessRecord {
        var record = SwiftcornLogging.AccessRecord(
            timestampMicroseconds: 1_795_893_480_123_456,
            method: "PATCH\"\u{2028}",
            path: "/a b/" + hostile,
            query: "x=" + hostile,
            route: route,
            status: 503,
            durationMicroseconds: 12_345_678_901,
            bytesIn: Int(Int32.max) + 7,
            bytesOut: 9_876_543_210,
            remoteAddress: "2001:db8::1",
            userAgent: "agent " + hostile,
            referer: "https://example.com/?r=" + hostile,
            requestID: "id-\u{7F}-\u{0}",
            httpVersion: "1.1",
            host: "hôst\u{2029}.example",
            worker: 17,
            pid: Int32.max
        )
        record.extraFields = [AccessField(key: "tenant", value: hostile), AccessField(key: "status", value: "shadowed")]
        return record
    }

    /// Parses `line` with the analyser, asking for `extraKeys`, and runs `check` on the record.
    func parse(_ line: [UInt8], extraKeys: [String] = [], _ check: (ParsedRecord) throws -> Void) throws {
        #expect(line.last == UInt8(ascii: "\n"))
        let body = Array(line.dropLast())
        #expect(!body.contains(UInt8(ascii: "\n")), "one line")
        var record = ParsedRecord(extraKeys: extraKeys.count)
        try body.withUnsafeBufferPointer { buffer in
            let failure = LineParser(extraKeys: extraKeys).parse(buffer, into: &record)
            #expect(failure == nil, "\(String(describing: failure)): \(String(decoding: body, as: UTF8.self))")
            try check(record)
        }
    }

    @Test(arguments: ["/a/:id/\u{2028}\"", nil])
    func accessRecordReadsBackFieldForField(route: String?) throws {
        let written = Self.record(route: route)
        try self.parse(written.jsonLine(), extraKeys: ["tenant", "meta_status"]) { read in
            #expect(read.kind == .access)
            #expect(read.timestamp == written.timestampMicroseconds)
            #expect(read.string(.known(.level)) == "info")
            #expect(read.string(.known(.event)) == "access")
            #expect(read.string(.known(.method)) == written.method)
            #expect(read.string(.known(.path)) == written.path)
            #expect(read.string(.known(.query)) == written.query)
            #expect(read.string(.known(.route)) == written.route)
            #expect(read.has(.known(.route)) == (route != nil))
            #expect(read.status == written.status)
            #expect(read.durationMicroseconds == written.durationMicroseconds)
            #expect(read.bytesIn == Int64(written.bytesIn))
            #expect(read.bytesOut == Int64(written.bytesOut))
            #expect(read.string(.known(.remoteAddress)) == written.remoteAddress)
            #expect(read.string(.known(.userAgent)) == written.userAgent)
            #expect(read.string(.known(.referer)) == written.referer)
            #expect(read.string(.known(.requestID)) == written.requestID)
            #expect(read.string(.known(.httpVersion)) == written.httpVersion)
            #expect(read.string(.known(.host)) == written.host)
            #expect(read.worker == written.worker)
            #expect(read.pid == Int(written.pid))
            #expect(read.string(.extra(name: "tenant", slot: 0)) == Self.hostile)
            #expect(read.string(.extra(name: "meta_status", slot: 1)) == "shadowed", "a hook cannot shadow a schema key")
        }
    }

    /// Every key of the schema is present, in the schema's order and of the schema's kind.
    @Test func accessLineFollowsTheSchemaTable() throws {
        let line = Self.record(route: "/r").jsonLine()
        try self.parse(line) { read in
            var previousStart: Int32 = -1
            for field in RecordField.accessKeys {
                let span = read.spans[field.rawValue]
                #expect(span.start > previousStart, "\(field.key) out of order")
                previousStart = span.start
                switch field.kind {
                case .integer, .milliseconds: #expect(span.type == .number, "\(field.key)")
                case .text, .optionalText, .timestamp: #expect(span.type == .string, "\(field.key)")
                }
            }
            for field in RecordField.allCases where !RecordField.accessKeys.contains(field) {
                #expect(!read.has(.known(field)), "\(field.key) is not an access key")
            }
        }
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasPrefix(#"{"ts":"2026-11-28T"#))
        #expect(text.contains(#","duration_ms":12345678.901,"#), "milliseconds with three decimals")
    }

    @Test func eventRecordReadsBackFieldForField() throws {
        let written = EventRecord(
            timestampMicroseconds: -1_234_567,
            level: "critical",
            logger: "swiftcorn." + Self.hostile,
            message: Self.hostile,
            worker: 0,
            pid: 1,
            file: "/build/Sources/SwiftcornArbiter/Arbiter.swift",
            line: 99,
            function: "f()",
            metadata: [("error", Self.hostile), ("message", "shadowed")]
        )
        try self.parse(written.jsonLine(), extraKeys: ["error", "meta_message"]) { read in
            #expect(read.kind == .log)
            #expect(read.timestamp == written.timestampMicroseconds)
            #expect(read.string(.known(.level)) == written.level)
            #expect(read.string(.known(.event)) == "log")
            #expect(read.string(.known(.logger)) == written.logger)
            #expect(read.string(.known(.message)) == written.message)
            #expect(read.string(.known(.worker)) == "0")
            #expect(read.string(.known(.pid)) == "1")
            #expect(read.string(.known(.source)) == "SwiftcornArbiter/Arbiter.swift:99")
            #expect(read.string(.extra(name: "error", slot: 0)) == Self.hostile)
            #expect(read.string(.extra(name: "meta_message", slot: 1)) == "shadowed")
            for field in RecordField.eventKeys {
                #expect(read.has(.known(field)), "\(field.key)")
            }
        }
    }

    /// journald's fields carry the schema's names and the record's values, and `MESSAGE` is the
    /// same JSON line the file gets.
    @Test func journalFieldsFollowTheSchemaTable() throws {
        let written = Self.record(route: "/r/:id")
        let sink = JournalSink(identifier: "swiftcorn-roundtrip") { _ in }
        defer { sink.close() }
        var fields = JournalFields()
        sink.encode(.access(written), into: &fields)
        var values: [String: [UInt8]] = [:]
        for entry in fields.entries {
            #expect(values[entry.name] == nil, "\(entry.name) written once")
            values[entry.name] = entry.value
        }
        let expected: [RecordField: String] = [
            .event: "access", .method: written.method, .path: written.path, .route: "/r/:id", .status: "503",
            .durationMilliseconds: "12345678901", .bytesIn: String(written.bytesIn), .bytesOut: "9876543210",
            .remoteAddress: written.remoteAddress, .userAgent: written.userAgent, .requestID: written.requestID, .worker: "17",
        ]
        for field in RecordField.allCases {
            guard let name = field.journalField?.description else {
                #expect(expected[field] == nil)
                continue
            }
            let value = try #require(values[name], "\(name)")
            #expect(String(decoding: value, as: UTF8.self) == expected[field], "\(name)")
        }
        #expect(values["PRIORITY"] == Array("6".utf8))
        let message = try #require(values["MESSAGE"])
        #expect(message + [UInt8(ascii: "\n")] == written.jsonLine())
    }
}
