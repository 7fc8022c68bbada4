import Testing

@testable import SwiftcornLogAnalysis

/// The `--where` grammar, its evaluation, and errors that point at the right column.
@Suite struct FilterGrammarTests {
    @Test func precedenceAndParentheses() throws {
        let parsed = try FilterExpression.parse("status>=500 or method=POST and not route")
        #expect(parsed == .or(.number(.status, .greaterOrEqual, 500), .and(.text(.method, .equal, "POST"), .not(.exists(.route)))))
        let grouped = try FilterExpression.parse("(status>=500 || method==\"POST\") && !route")
        #expect(grouped == .and(.or(.number(.status, .greaterOrEqual, 500), .text(.method, .equal, "POST")), .not(.exists(.route))))
    }

    @Test func valuesUnitsAndAliases() throws {
        #expect(try FilterExpression.parse("duration>1.5s") == .number(.durationMilliseconds, .greater, 1500))
        #expect(try FilterExpression.parse("duration_ms<=250") == .number(.durationMilliseconds, .lessOrEqual, 250))
        #expect(try FilterExpression.parse("status=5xx") == .statusClass(.equal, 5))
        #expect(try FilterExpression.parse("client='10.0.0.1'") == .text(.remoteAddress, .equal, "10.0.0.1"))
        #expect(try FilterExpression.parse("path !~ '\\.css$'") == .text(.path, .notMatches, "\\.css$"))
        #expect(try FilterExpression.parse("ts>=\"2026-11-28T10:00:00Z\"") == .number(.ts, .greaterOrEqual, 1_795_860_000_000_000))
        #expect(try FilterExpression.parse("path=/api/users") == .text(.path, .equal, "/api/users"))
    }

    /// The error for `text`, or nil if it parsed.
    func error(_ text: String) -> FilterError? {
        do {
            _ = try FilterExpression.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func errorsPointAtTheColumn() {
        let missingValue = self.error("status>= and path~\"x\"")
        #expect(missingValue?.code == .unexpectedToken)
        #expect(missingValue?.column == 10)
        #expect(missingValue?.description.contains("\n  status>= and path~\"x\"\n           ^") == true)
        let unknown = self.error("stauts>=500")
        #expect(unknown?.code == .unknownField)
        #expect(unknown?.column == 1)
        #expect(unknown?.message.contains("did you mean 'status'") == true)
        #expect(self.error("status>=500 and path~\"(\"")?.code == .invalidRegex)
        #expect(self.error("status>=500 and path~\"(\"")?.column == 22)
        #expect(self.error("path~\"^/api")?.code == .unterminatedString)
        #expect(self.error("path~\"^/api")?.column == 6)
        #expect(self.error("(status>500")?.column == 12)
        #expect(self.error("status>abc")?.code == .invalidValue)
        #expect(self.error("status>500 path=/")?.column == 12)
        #expect(self.error("status > 500 # x")?.code == .unexpectedCharacter)
        #expect(self.error("status > 500 # x")?.column == 14)
        #expect(self.error("")?.code == .unexpectedToken)
    }

    @Test func evaluationOnRecords() throws {
        let line = "{\"ts\":\"2026-11-28T10:00:00Z\",\"method\":\"GET\",\"path\":\"/api/x\",\"status\":502,\"duration_ms\":300.5,\"bytes_out\":7}"
        func matches(_ text: String) throws -> Bool {
            let filter = CompiledFilter(try FilterExpression.parse(text))
            var record = ParsedRecord(extraKeys: 0)
            var bytes = Array(line.utf8)
            return bytes.withUnsafeMutableBufferPointer { buffer in
                #expect(JSONLineParser(extraKeys: []).parse(UnsafeBufferPointer(buffer), into: &record) == nil)
                return filter.matches(record)
            }
        }
        #expect(try matches("status>=500 and path~\"^/api\" and duration_ms>250"))
        #expect(try !matches("status>=500 and path~\"^/web\""))
        #expect(try matches("status=5xx and not route"))
        #expect(try matches("route!=\"/x\""))
        #expect(try !matches("route=\"/x\""))
        #expect(try matches("method=GET or method=POST"))
        #expect(try matches("duration<1s and bytes_out=7"))
        #expect(try !matches("ts<\"2026-11-28T09:00:00Z\""))
    }
}
