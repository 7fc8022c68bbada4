import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The side port as Prometheus and orchestrators use it.
@Suite("Metrics: Prometheus and health", .serialized)
struct MetricsPrometheusTests {
    @Test("a real Prometheus scrapes the side port: up == 1 and a non-zero request rate")
    func prometheusScrapes() throws {
        let server = try TestServer.start(["-w", "2", "--access-logfile", "none"])
        defer { server.stop() }
        let port = try #require(server.metricsPort)
        let prometheus = try PrometheusServer.start(scraping: "127.0.0.1:\(port)")
        defer { prometheus.stop() }
        let load = try LoadRun(port: server.port, connections: 4, duration: .seconds(25))
        defer { _ = try? load.finish() }
        try prometheus.waitForQuery("up", timeout: .seconds(30)) { $0.first?.value == 1 }
        try prometheus.waitForQuery("sum(rate(http_server_request_duration_seconds_count[1m]))", timeout: .seconds(30)) {
            ($0.first?.value ?? 0) > 0
        }
        let workers = try prometheus.query("swiftcorn_workers{state=\"alive\"}")
        #expect(workers.first?.value == 2)
    }

    @Test("/healthz turns 503 while a worker hangs and 200 again once it is replaced")
    func healthFollowsHeartbeats() throws {
        let server = try TestServer.start(["-w", "2", "--timeout", "4s", "--enable-fault-endpoints"])
        defer { server.stop() }
        let port = try #require(server.metricsPort)
        #expect(try MetricsScrape.fetch(port: port, path: "/healthz").status == 200)
        let connections = try server.connectionPerWorker(2)
        let hung = try #require(connections.keys.first { $0.index == 1 })
        try connections[hung]!.send("GET /fault/hang HTTP/1.1\r\nHost: x\r\n\r\n")
        var unhealthy = ""
        try Poll.until("/healthz reports the hung worker", timeout: .seconds(10)) {
            let answer = try MetricsScrape.fetch(port: port, path: "/healthz")
            unhealthy = answer.text
            return answer.status == 503
        }
        #expect(unhealthy.contains("worker 1") || unhealthy.contains("of 2 workers alive"), "\(unhealthy)")
        // The side port answers while the worker hangs: the master serves it, not the workers.
        #expect(try MetricsScrape.fetch(port: port).status == 200)
        try Poll.until("/healthz healthy after the respawn", timeout: .seconds(20)) {
            try MetricsScrape.fetch(port: port, path: "/healthz").status == 200
        }
        #expect(!ProcFS.isAlive(hung.pid))
        let exposition = try MetricsScrape.fetch(port: port).exposition()
        #expect(try exposition.value(of: "swiftcorn_worker_restarts_total", labels: ["reason": "timeout"]) == 1)
    }
}
