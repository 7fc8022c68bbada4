import Foundation
import SwiftcornTestKit
import Testing

/// Every request counted once, the same way, wherever it is counted.
@Suite("Metrics: accounting across workers", .serialized)
struct MetricsAccountingTests {
    @Test("histogram counts per status = what clients saw = access records = statsd requests")
    func everySinkAgrees() throws {
        let statsd = try UDPListener()
        let accessLog = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-access-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: accessLog) }
        let server = try TestServer.start([
            "-w", "2", "--access-logfile", accessLog.path, "--statsd-host", "127.0.0.1:\(statsd.port)", "--statsd-prefix", "corn",
            "--dogstatsd-tags", "env:test",
        ])
        defer { server.stop() }
        let metricsPort = try #require(server.metricsPort)
        let connections = try server.connectionPerWorker(2)
        var seen: [String: Int] = [:]
        let plan = [("/route/1/200", 30), ("/status/404", 20), ("/status/503", 10)]
        for (offset, connection) in connections.values.enumerated() {
            for (path, count) in plan {
                for _ in 0..<(count / 2 + offset) {
                    let status = try connection.request("GET", path).status
                    seen[String(status), default: 0] += 1
                }
            }
        }
        #expect(seen == ["200": 31, "404": 21, "503": 11])
        // The requests that found the workers (`/worker`, `/`) are counted everywhere too, so
        // the sinks are compared on all requests, and the histogram on the planned routes.
        var counted: [String: Int] = [:]
        var all = 0
        try Poll.until("histogram counts = client counts", timeout: .seconds(10)) {
            let exposition = try MetricsScrape.fetch(port: metricsPort).exposition()
            counted = [:]
            all = 0
            for sample in exposition.samples(named: "http_server_request_duration_seconds_count") {
                all += Int(sample.value)
                guard let route = sample.labels["http_route"], route != "/", route != "/worker" else { continue }
                counted[sample.labels["http_response_status_code"] ?? "?", default: 0] += Int(sample.value)
            }
            return counted == seen && Int(exposition.sum(of: "swiftcorn_worker_requests_total")) == all
        }
        try Poll.until("one access record per request", timeout: .seconds(10)) {
            let lines = (try? String(contentsOf: accessLog, encoding: .utf8))?.split(separator: "\n") ?? []
            return lines.count == all
        }
        try Poll.until("swiftcorn_log_records_total{sink=file,stream=access} = requests", timeout: .seconds(10)) {
            let exposition = try MetricsScrape.fetch(port: metricsPort).exposition()
            return Int(exposition.sum(of: "swiftcorn_log_records_total", where: ["sink": "file", "stream": "access"])) == all
        }
        let lines = try statsd.waitForLines(timeout: .seconds(10)) { lines in
            Self.statsdCount(lines, "corn.requests") >= all && lines.contains("corn.workers:2|g|#env:test")
        }
        #expect(Self.statsdCount(lines, "corn.requests") == all)
        #expect(Self.statsdCount(lines, "corn.request.status.503") == 11)
        #expect(Self.statsdCount(lines, "corn.request.status.404") == 21)
        #expect(lines.contains { $0.hasPrefix("corn.request.duration:") && $0.hasSuffix("|ms|#env:test") })
    }

    @Test("an app counter incremented in two workers shows the sum, and reaches statsd with include_app_metrics")
    func appCounterSums() throws {
        let statsd = try UDPListener()
        let server = try TestServer.start([
            "-w", "2", "--statsd-host", "127.0.0.1:\(statsd.port)", "--statsd-prefix", "app", "--statsd-include-app-metrics",
        ])
        defer { server.stop() }
        let connections = try server.connectionPerWorker(2)
        for (offset, connection) in connections.values.enumerated() {
            for _ in 0..<(3 + offset * 4) {
                #expect(try connection.request("GET", "/count").status == 200)
            }
        }
        let port = try #require(server.metricsPort)
        try Poll.until("demo_counted_total = 10", timeout: .seconds(10)) {
            try MetricsScrape.fetch(port: port).exposition().sum(of: "demo_counted_total") == 10
        }
        let lines = try statsd.waitForLines(timeout: .seconds(10)) { Self.statsdCount($0, "app.demo_counted") >= 10 }
        #expect(Self.statsdCount(lines, "app.demo_counted") == 10)
    }

    /// The sum of statsd counter lines `name:N|c…`.
    static func statsdCount(_ lines: [String], _ name: String) -> Int {
        lines.filter { $0.hasPrefix(name + ":") && $0.contains("|c") }.compactMap { line in
            Int(line.dropFirst(name.count + 1).prefix { $0 != "|" })
        }.reduce(0, +)
    }
}
