import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real server writes a JSON access log and the real `swiftcorn-logs` reads it: what the
/// analyser reports is what was sent.
@Suite("Access log read back by swiftcorn-logs", .serialized)
struct LogAnalysisRoundTripTests {
    /// `swiftcorn-logs` next to the `swiftcorn` binary under test.
    static var analyserPath: String {
        URL(fileURLWithPath: TestServer.binaryPath).deletingLastPathComponent().appendingPathComponent("swiftcorn-logs").path
    }

    /// Runs `swiftcorn-logs arguments… --format json log` and returns its JSON object.
    static func analyse(_ arguments: [String], log: String) throws -> [String: Any] {
        let output = try ExternalCommand.run(Self.analyserPath, arguments + ["--format", "json", log])
        #expect(output.status == 0, "\(arguments): \(output.stderrText)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout)) as? [String: Any], "\(output.stdoutText)")
    }

    /// A table section's rows as `key → count`, the key in column `key`.
    static func counts(_ report: [String: Any], _ section: String, key: String) throws -> [String: Int] {
        let rows = try #require(report[section] as? [[String: Any]], "no \(section) in \(report)")
        var counts: [String: Int] = [:]
        for row in rows {
            let name = try #require(row[key].map { "\($0)" })
            counts[name] = try #require(row["count"] as? Int)
        }
        return counts
    }

    @Test func countsStatusesAndPathsMatchWhatWasSent() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-roundtrip-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let server = try TestServer.start(["-w", "2", "--access-logfile", log])
        defer { server.stop() }
        // Header values the writer must escape (quote, backslash, UTF-8 including U+2028) in every
        // record; the requests are told apart from the server's own by the agent.
        let agent = "roundtrip-\(UUID().uuidString)"
        let referer = "https://example.com/\"q\"\\b é 日本 \u{2028} end"
        let codes = [200, 201, 204, 404, 418, 500, 503]
        var sentPaths: [String: Int] = [:]
        var sentStatuses: [String: Int] = [:]
        let count = 60
        for index in 0..<count {
            // Every fifth request goes to a path no route serves (a 404 with a path of its own).
            let path = index % 5 == 4 ? "/no/such/page-\(index)" : "/status/\(codes[index % codes.count])"
            let connection = try HTTPTestConnection(port: server.port)
            let response = try connection.request("GET", path + "?i=\(index)", headers: [("User-Agent", agent), ("Referer", referer)])
            sentPaths[path, default: 0] += 1
            sentStatuses[String(response.status), default: 0] += 1
        }
        #expect(sentStatuses["404"] ?? 0 > 12, "the unrouted paths answered 404")
        server.signal(SIGTERM)
        #expect(try server.waitForExit() == 0)

        let only = ["--where", "ua==\"\(agent)\""]
        let summary = try Self.analyse(["summary"] + only, log: log)
        let overview = try #require(summary["overview"] as? [String: Any])
        #expect(overview["requests"] as? Int == count)
        #expect(overview["malformed_lines"] as? Int == 0, "every line the server wrote parses")
        #expect(try Self.counts(summary, "top_statuses", key: "status") == sentStatuses)

        let paths = try Self.analyse(["top", "--by", "path", "-n", "1000"] + only, log: log)
        #expect(try Self.counts(paths, "top", key: "path") == sentPaths)
        let statuses = try Self.analyse(["top", "--by", "status", "-n", "1000"] + only, log: log)
        #expect(try Self.counts(statuses, "top", key: "status") == sentStatuses)
        let referers = try Self.analyse(["top", "--by", "referer"] + only, log: log)
        #expect(try Self.counts(referers, "top", key: "referer") == [referer: count], "escaped header values read back whole")
    }
}
