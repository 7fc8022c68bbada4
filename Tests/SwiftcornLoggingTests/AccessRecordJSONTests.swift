import Foundation
import SwiftcornTime
import Testing

@testable import SwiftcornLogging

@Suite("Access record JSON")
struct AccessRecordJSONTests {
    static func record(userAgent: String = "curl/8.0", path: String = "/", route: String? = nil) -> AccessRecord {
        AccessRecord(
            timestampMicroseconds: 1_795_886_280_123_456,
            method: "GET",
            path: path,
            query: "a=1",
            route: route,
            status: 200,
            durationMicroseconds: 12_345,
            bytesIn: 0,
            bytesOut: 5,
            remoteAddress: "127.0.0.1",
            userAgent: userAgent,
            referer: "",
            requestID: "abc",
            httpVersion: "1.1",
            host: "localhost:8000",
            worker: 2,
            pid: 4242
        )
    }

    @Test func keysInSchemaOrderOnOneLine() {
        let line = String(decoding: Self.record(route: "/users/:id").jsonLine(), as: UTF8.self)
        #expect(
            line
                == #"{"ts":"2026-11-28T17:18:00.123456Z","level":"info","event":"access","method":"GET","path":"/","query":"a=1","route":"/users/:id","status":200,"duration_ms":12.345,"bytes_in":0,"bytes_out":5,"remote_addr":"127.0.0.1","user_agent":"curl/8.0","referer":"","request_id":"abc","http_version":"1.1","host":"localhost:8000","worker":2,"pid":4242}"#
                + "\n"
        )
        #expect(Self.record().jsonLine().filter { $0 == UInt8(ascii: "\n") }.count == 1)
        #expect(!String(decoding: Self.record().jsonLine(), as: UTF8.self).contains("route"))
    }

    @Test func hookFieldsFollowTheSchemaAndCannotRepeatItsKeys() {
        var record = Self.record()
        record.extraFields = [AccessField(key: "tenant", value: "acme"), AccessField(key: "status", value: "forged")]
        let line = String(decoding: record.jsonLine(), as: UTF8.self)
        #expect(line.hasSuffix(#""pid":4242,"tenant":"acme","meta_status":"forged"}"# + "\n"))
        #expect(line.components(separatedBy: #""status":"#).count == 2)
    }

    @Test(arguments: [
        "evil\r\nX-Forged: 1",
        "quote\" and backslash\\",
        "nul\u{0}byte and bell\u{7}",
        "line\u{2028}separator\u{2029}paragraph",
        "del\u{7f} tab\t",
        "unicode é 日本 🦄",
        "euro € and an ellipsis at the end …",
        String(repeating: "A", count: 10_240),
        "replacement \u{FFFD} from invalid UTF-8",
    ])
    func hostileValuesRoundTripAndStayOnOneLine(_ value: String) throws {
        let bytes = Self.record(userAgent: value, path: "/" + value).jsonLine()
        #expect(bytes.last == UInt8(ascii: "\n"))
        #expect(bytes.dropLast().allSatisfy { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") })
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("\u{2028}") && !text.contains("\u{2029}"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["user_agent"] as? String == value)
        #expect(object["path"] as? String == "/" + value)
        #expect(object["status"] as? Int == 200)
    }

    @Test func durationsKeepMicroseconds() {
        var writer = JSONLineWriter()
        writer.field("a", millisecondsFromMicroseconds: 7)
        writer.field("b", millisecondsFromMicroseconds: 1_500_000)
        writer.field("c", millisecondsFromMicroseconds: 0)
        #expect(String(decoding: writer.finish(), as: UTF8.self) == "{\"a\":0.007,\"b\":1500.000,\"c\":0.000}\n")
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000000Z"),
        (Int64(951_782_400_000_001), "2000-02-29T00:00:00.000001Z"),
        (Int64(1_795_886_280_123_456), "2026-11-28T17:18:00.123456Z"),
        (Int64(4_102_444_799_999_999), "2099-12-31T23:59:59.999999Z"),
        (Int64(-1), "1969-12-31T23:59:59.999999Z"),
    ])
    func timestamps(_ micros: Int64, _ expected: String) {
        #expect(RFC3339Timestamp.string(micros: micros) == expected)
    }

    @Test func timestampsAgreeWithTheCalendarForEveryDayOfFourCenturies() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for day in stride(from: Int64(-25_000), through: 150_000, by: 37) {
            let date = Date(timeIntervalSince1970: Double(day) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let civil = CivilCalendar.date(days: day)
            #expect(civil.year == parts.year! && civil.month == parts.month! && civil.day == parts.day!)
            #expect(CivilCalendar.days(year: civil.year, month: civil.month, day: civil.day) == day)
        }
    }

    /// Objects and arrays nest, empty or not, and the document is valid JSON as written.
    @Test func nestedObjectsAndArraysAreWrittenFrontToBack() throws {
        var json = JSONLineWriter()
        json.object("master") { $0.field("pid", 7) }
        json.array("empty") { _ in }
        json.array("workers") { array in
            for index in 1...2 {
                array.element { worker in
                    worker.field("index", index)
                    worker.object("restarts") { restarts in
                        if index == 2 { restarts.field(dynamicKey: "crash\"", 3) }
                    }
                }
            }
        }
        json.field("after", "x")
        let line = json.finish()
        let expected = #"{"master":{"pid":7},"empty":[],"workers":[{"index":1,"restarts":{}},{"index":2,"restarts":{"crash\"":3}}],"after":"x"}"#
        #expect(String(decoding: line, as: UTF8.self) == expected + "\n")
        #expect(try JSONSerialization.jsonObject(with: Data(line)) is [String: Any])
    }
}
