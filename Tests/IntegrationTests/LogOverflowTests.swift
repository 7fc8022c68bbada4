import Dispatch
import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Log queue overflow and journald outages", .serialized)
struct LogOverflowTests {
    @Test func droppedRecordsAreAllAccountedFor() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-drop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let access = directory.appendingPathComponent("access.log").path
        let errors = directory.appendingPathComponent("error.log").path
        let server = try TestServer.start([
            "-w", "2", "--access-logfile", access, "--error-logfile", errors, "--log-queue-size", "1", "--log-overflow", "drop",
        ])
        defer { server.stop() }
        let clients = 4
        let perClient = 2_500
        DispatchQueue.concurrentPerform(iterations: clients) { client in
            guard let connection = try? HTTPTestConnection(port: server.port) else { return }
            for index in 0..<perClient {
                _ = try? connection.request("GET", "/?drop=\(client)-\(index)", headers: [("User-Agent", "drop-test")])
            }
        }
        // The same accounting in Prometheus: records written plus dropped = requests served.
        let metricsPort = try #require(server.metricsPort)
        var metricDropped = 0.0
        try Poll.until("log record counters covering every request", timeout: .seconds(10)) {
            let exposition = try MetricsScrape.fetch(port: metricsPort).exposition()
            let labels = ["sink": "file", "stream": "access"]
            metricDropped = exposition.sum(of: "swiftcorn_log_records_dropped_total", where: labels)
            let total = exposition.sum(of: "swiftcorn_log_records_total", where: labels) + metricDropped
            return total >= Double(clients * perClient) && total <= Double(clients * perClient + 20)
        }
        #expect(metricDropped > 0)
        server.signal(SIGTERM)
        #expect(try server.waitForExit() == 0)
        let written = try String(contentsOfFile: access, encoding: .utf8).split(separator: "\n").filter { $0.contains("\"drop-test\"") }.count
        var dropped = 0
        for line in try String(contentsOfFile: errors, encoding: .utf8).split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if object?["message"] as? String == "log queue full: records dropped" {
                dropped += Int(object?["dropped"] as? String ?? "") ?? 0
            }
        }
        // The readiness probe's records may be written or dropped too: at most a few.
        #expect(dropped > 0, "a one-record queue under load must drop")
        #expect((clients * perClient...clients * perClient + 20).contains(written + dropped), "written \(written) + dropped \(dropped)")
    }

    /// Stops the journald the test set-up started (never a systemd-managed one) and starts it again.
    @Test(.enabled(if: Journal.daemonPID != nil && !Journal.isManagedBySystemd))
    func journaldOutageFallsBackToStderrAndRecovers() throws {
        let identifier = Journal.uniqueIdentifier("swiftcorn-outage")
        let server = try TestServer.start(["-w", "1", "--access-logfile", "journald", "--journal-identifier", identifier])
        defer { server.stop() }
        #expect(try server.get("/?phase=before").status == 200)
        let journald = try #require(Journal.daemonPID)
        kill(journald, SIGTERM)
        try Poll.until("journald stopped", timeout: .seconds(10)) { !ProcFS.isAlive(journald) }
        for _ in 0..<5 {
            #expect(try server.get("/?phase=during").status == 200)
        }
        try Poll.until("the fallback warning and records on stderr", timeout: .seconds(10)) {
            server.log.contains("journald refused a record") && server.log.components(separatedBy: "phase=during").count >= 2
        }
        // The metrics count the records that went to stderr instead.
        let metricsPort = try #require(server.metricsPort)
        try Poll.until("the fallback counter", timeout: .seconds(10)) {
            try MetricsScrape.fetch(port: metricsPort).exposition()
                .sum(of: "swiftcorn_log_records_fallback_total", where: ["sink": "journald", "stream": "access"]) >= 5
        }
        try Journal.start()
        // The sink retries journald every 5 s.
        try Poll.until("records back in journald", timeout: .seconds(20)) {
            _ = try? server.get("/?phase=after")
            return try !Journal.entries(identifier: identifier, matches: ["URL_PATH=/", "SWIFTCORN_EVENT=access"])
                .filter { ($0["MESSAGE"] as? String)?.contains("phase=after") == true }.isEmpty
        }
        #expect(try server.get("/").status == 200)
    }
}
