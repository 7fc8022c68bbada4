import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Access log records", .serialized)
struct AccessLogTests {
    static func records(in path: String, userAgent: String) throws -> [[String: Any]] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }.filter { $0["user_agent"] as? String == userAgent }
    }

    @Test func everyRequestIsRecordedOnceAsTheClientSawIt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-access-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server = try TestServer.start(["-w", "2", "--access-logfile", path])
        defer { server.stop() }
        let agent = "access-test \"quoted\" back\\slash 日本 \u{2028} end"
        var seen: [String: Int] = [:]
        let statuses = [200, 201, 404, 500, 503]
        for round in 0..<200 {
            let connection = try HTTPTestConnection(port: server.port)
            let status = statuses[round % statuses.count]
            let response = try connection.request("GET", "/status/\(status)?round=\(round)", headers: [("User-Agent", agent)])
            let id = try #require(response.header("x-request-id"))
            seen[id] = response.status
        }
        #expect(seen.count == 200, "request ids must be unique")
        server.signal(SIGTERM)
        #expect(try server.waitForExit() == 0)
        let records = try Self.records(in: path, userAgent: agent)
        #expect(records.count == 200)
        for record in records {
            let id = try #require(record["request_id"] as? String)
            #expect(seen[id] == record["status"] as? Int)
            #expect(record["event"] as? String == "access")
            #expect(record["route"] as? String == "/status/:code")
            #expect((record["query"] as? String)?.hasPrefix("round=") == true)
            #expect((record["duration_ms"] as? Double).map { $0 >= 0 } == true)
            #expect([1, 2].contains(record["worker"] as? Int))
        }
        let firstLine = try #require(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first)
        #expect(firstLine.hasPrefix("{\"ts\":\""))
    }

    @Test func clientThatLeavesEarlyIsRecordedAs499() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-access-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server = try TestServer.start(["-w", "1", "--access-logfile", path])
        defer { server.stop() }
        let connection = try HTTPTestConnection(port: server.port)
        try connection.send("GET /delay?ms=500 HTTP/1.1\r\nHost: x\r\nUser-Agent: leaver\r\n\r\n")
        connection.close()
        try Poll.until("a 499 record", timeout: .seconds(10)) {
            try Self.records(in: path, userAgent: "leaver").first?["status"] as? Int == 499
        }
    }
}
