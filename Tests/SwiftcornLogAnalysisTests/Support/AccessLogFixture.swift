@testable import SwiftcornLogAnalysis

/// A deterministic access log with known answers: 6,000 requests at 10 per second from
/// 2026-11-28T10:00:00Z (600 per minute), 12 error log records, varied key order, extra keys,
/// nested values and escapes.
struct AccessLogFixture {
    /// The truth, in file order.
    var records: [FixtureRecord] = []
    /// The log's lines (without newlines).
    var lines: [String] = []
    /// Number of error log records among the lines.
    var errorRecords = 0

    /// 2026-11-28T10:00:00Z in µs.
    static let start: Int64 = 1_795_860_000_000_000

    /// Generates `count` requests.
    init(count: Int = 6000) {
        let paths: [(String, String?)] = [("/api/items/%", "/api/items/:id"), ("/", nil), ("/api/search", nil), ("/healthz", nil)]
        let pathIndex = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3]
        for index in 0..<count {
            let (template, route) = paths[pathIndex[index % 10]]
            let path = template.replacingPercent(with: String(index % 50))
            let status = index % 50 == 7 ? 500 : index % 50 == 13 ? 503 : index % 25 == 3 ? 404 : 200
            let record = FixtureRecord(
                timestamp: Self.start + Int64(index) * 100_000,
                method: index % 5 == 0 ? "POST" : "GET",
                path: path,
                route: route,
                status: status,
                duration: Int64((index * 7919) % 100_000 + 100),
                bytesOut: 100 + index % 1000,
                client: "10.0.0.\(index % 20)",
                userAgent: index % 3 == 0 ? "curl/8 \"quoted\"" : "Mozilla/5.0",
                worker: 1 + index % 4
            )
            self.records.append(record)
            self.lines.append(Self.line(for: record, variant: index % 7 == 0))
            if index % 500 == 250 {
                self.errorRecords += 1
                self.lines.append(
                    "{\"ts\":\"\(Timestamp.format(record.timestamp))\",\"level\":\"error\",\"event\":\"log\",\"logger\":\"app\","
                        + "\"message\":\"db timeout\",\"worker\":1,\"pid\":2,\"source\":\"App.swift:10\"}"
                )
            }
        }
    }

    /// The whole log as bytes, newline-terminated.
    var bytes: [UInt8] {
        Array((self.lines.joined(separator: "\n") + "\n").utf8)
    }

    /// The JSON line of `record`; `variant` reorders keys and adds extra and nested keys.
    static func line(for record: FixtureRecord, variant: Bool) -> String {
        let agent = record.userAgent.replacingQuotes()
        var pairs = [
            "\"ts\":\"\(Timestamp.format(record.timestamp))\"", "\"level\":\"info\"", "\"event\":\"access\"",
            "\"method\":\"\(record.method)\"", "\"path\":\"\(record.path)\"", "\"query\":\"\"",
        ]
        if let route = record.route {
            pairs.append("\"route\":\"\(route)\"")
        }
        pairs += [
            "\"status\":\(record.status)", "\"duration_ms\":\(NumberText.milliseconds(record.duration))", "\"bytes_in\":0",
            "\"bytes_out\":\(record.bytesOut)", "\"remote_addr\":\"\(record.client)\"", "\"user_agent\":\"\(agent)\"",
            "\"referer\":\"\"", "\"request_id\":\"r\(record.timestamp)\"", "\"http_version\":\"1.1\"", "\"host\":\"example.com\"",
            "\"worker\":\(record.worker)", "\"pid\":\(1000 + record.worker)",
        ]
        if variant {
            pairs.reverse()
            pairs.insert("\"tenant\":\"t\(record.worker % 2)\"", at: 3)
            pairs.append("\"extra\":{\"a\":[1,2,{\"b\":\"}]\"}],\"c\":null}")
        }
        return "{" + pairs.joined(separator: ",") + "}"
    }
}

extension String {
    /// Replaces `%` with `value`.
    fileprivate func replacingPercent(with value: String) -> String {
        self.split(separator: "%", omittingEmptySubsequences: false).joined(separator: value)
    }

    /// Escapes double quotes for JSON.
    fileprivate func replacingQuotes() -> String {
        self.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\\\"")
    }
}
