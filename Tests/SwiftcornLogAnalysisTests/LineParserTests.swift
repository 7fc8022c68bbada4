import Testing

@testable import SwiftcornLogAnalysis

/// The byte-level parsers: key order, extra keys, escapes, numbers, timestamps, text lines.
@Suite struct LineParserTests {
    /// Parses `line`, returning the failure or running `check` on the record.
    func parse(_ line: String, extraKeys: [String] = [], _ check: (ParsedRecord) -> Void = { _ in }) -> InputProblem? {
        var bytes = Array(line.utf8)
        var record = ParsedRecord(extraKeys: extraKeys.count)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            if let failure = LineParser(extraKeys: extraKeys).parse(UnsafeBufferPointer(buffer), into: &record) {
                return failure.problem
            }
            check(record)
            return nil
        }
    }

    @Test func anyKeyOrderExtraKeysAndEscapes() {
        let line =
            #"{"x":[{"y":"}"}],"duration_ms":12.3456,"status":201,"ts":"2026-11-28T17:18:00.123456+01:00","path":"/caf\u00e9 \"q\"","tenant":"a\\b"}"#
        let problem = self.parse(line, extraKeys: ["tenant"]) { record in
            #expect(record.kind == .access)
            #expect(record.status == 201)
            #expect(record.durationMicroseconds == 12_346)
            #expect(record.timestamp == Timestamp.parse("2026-11-28T16:18:00.123456Z"))
            #expect(record.string(.known(.path)) == "/café \"q\"")
            #expect(record.string(.extra(name: "tenant", slot: 0)) == "a\\b")
            #expect(!record.has(.known(.route)))
        }
        #expect(problem == nil)
    }

    @Test func numbersAndTypes() {
        let exponent = self.parse(#"{"ts":"2026-11-28T00:00:00Z","status":200,"duration_ms":1e2}"#) { #expect($0.durationMicroseconds == 100_000) }
        #expect(exponent == nil)
        #expect(self.parse(#"{"ts":"2026-11-28T00:00:00Z","status":200.5,"duration_ms":1}"#) == .wrongType)
        #expect(self.parse(#"{"ts":"2026-11-28T00:00:00Z","status":200,"duration_ms":"1"}"#) == .wrongType)
        #expect(self.parse(#"{"ts":"2026-11-28T00:00:00Z","status":200,"duration_ms":1,"bytes_out":"x"}"#) == .wrongType)
        #expect(self.parse(#"{"ts":"2026-11-28T00:00:00Z","status":200,"duration_ms":01.}"#) == .invalidJSON)
        #expect(self.parse(#"{"ts":"2026-11-28T00:00:00Z","status":200,"duration_ms":1} x"#) == .invalidJSON)
        #expect(self.parse(#"{"ts":"2026-11-28T00:00:00Z","status":200,"duration_ms":1"#) == .truncated)
        #expect(self.parse(#"{"ts":"2026-11-28T00:00:00Z","status":200,"path":"/a"#) == .truncated)
        let log = self.parse(#"{"ts":"2026-11-28T00:00:00Z","level":"error","event":"log","message":"m"}"#) { #expect($0.kind == .log) }
        #expect(log == nil)
    }

    @Test func combinedTextLines() {
        let gunicorn = #"10.1.2.3 - - [28/Nov/2026:17:18:00 +0000] "GET /api/x?a=1 HTTP/1.1" 404 512 "https://r/" "curl/8.5" 0.012345"#
        let gunicornProblem = self.parse(gunicorn) { record in
            #expect(record.kind == .access)
            #expect(record.status == 404)
            #expect(record.bytesOut == 512)
            #expect(record.durationMicroseconds == 12_345)
            #expect(record.string(.known(.path)) == "/api/x")
            #expect(record.string(.known(.query)) == "a=1")
            #expect(record.string(.known(.method)) == "GET")
            #expect(record.string(.known(.userAgent)) == "curl/8.5")
            #expect(record.string(.known(.remoteAddress)) == "10.1.2.3")
            #expect(Timestamp.format(record.timestamp) == "2026-11-28T17:18:00.000000Z")
        }
        #expect(gunicornProblem == nil)
        let apache = #"::1 - bob [28/Nov/2026:18:18:00 +0100] "POST /login HTTP/1.0" 302 - "-" "Mozilla/5.0 (X11)" 1500"#
        let apacheProblem = self.parse(apache) { #expect($0.durationMicroseconds == 1500 && $0.bytesOut == 0 && $0.status == 302) }
        #expect(apacheProblem == nil)
        #expect(self.parse("10.1.2.3 - - [yesterday] \"GET / HTTP/1.1\" 200 1") == .invalidJSON)
    }

    @Test func timestampsRoundTrip() {
        for text in ["1970-01-01T00:00:00.000000Z", "2026-11-28T17:18:00.123456Z", "2000-02-29T23:59:59.999999Z", "1969-12-31T23:59:59.500000Z"] {
            #expect(Timestamp.parse(text).map { Timestamp.format($0) } == text)
        }
        #expect(Timestamp.parse("2026-13-01T00:00:00Z") == nil)
        #expect(Timestamp.parse("2026-11-28 17:18:00Z") == Timestamp.parse("2026-11-28T17:18:00Z"))
    }

    @Test func utf8Validation() {
        let valid: [[UInt8]] = [Array("héllo €𝄞".utf8), []]
        let invalid: [[UInt8]] = [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80]]
        for bytes in valid {
            #expect(bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) })
        }
        for bytes in invalid {
            #expect(!bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) })
        }
    }
}
