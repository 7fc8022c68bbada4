import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Counters that never go backwards while workers die, recycle and reload.
@Suite("Metrics: counters under churn", .serialized)
struct MetricsMonotonicTests {
    @Test("scraped every 100 ms through kill -9, max_requests recycling and HUP: no counter decreases; totals add up")
    func countersNeverDecrease() throws {
        let server = try TestServer.start(["-w", "2", "--max-requests", "400", "--access-logfile", "none"])
        defer { server.stop() }
        let port = try #require(server.metricsPort)
        let load = try LoadRun(port: server.port, connections: 8, duration: .seconds(8))
        var last: [String: Double] = [:]
        var decreases: [String] = []
        var scrapes = 0
        let start = ContinuousClock.now
        var killed = false
        var reloaded = false
        while ContinuousClock.now - start < .seconds(9) {
            let exposition = try MetricsScrape.fetch(port: port).exposition()
            scrapes += 1
            for sample in exposition.samples where Self.isCounter(sample.name, exposition.types) {
                let key = sample.description.prefix { $0 != " " }
                if let previous = last[String(key)], sample.value < previous {
                    decreases.append("\(key): \(previous) → \(sample.value)")
                }
                last[String(key)] = sample.value
            }
            let elapsed = ContinuousClock.now - start
            if !killed && elapsed > .seconds(2), let victim = server.workerPIDs.first {
                kill(victim, SIGKILL)
                killed = true
            }
            if !reloaded && elapsed > .seconds(5) {
                server.signal(SIGHUP)
                reloaded = true
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let summary = try load.finish()
        // The check covered real counters: histograms by status and route, workers, restarts….
        #expect(last.count > 30, "only \(last.count) counter samples were compared")
        #expect(decreases.isEmpty, "\(decreases.prefix(10))")
        #expect(scrapes > 40)
        let exposition = try MetricsScrape.fetch(port: port).exposition()
        let recycled = try exposition.value(of: "swiftcorn_worker_restarts_total", labels: ["reason": "max_requests"])
        let crashed = try exposition.value(of: "swiftcorn_worker_restarts_total", labels: ["reason": "crash"])
        // The killed worker may have been retiring already, and then counts as recycled.
        #expect(recycled >= 2 && crashed <= 1 && recycled + crashed >= 3, "recycled \(recycled), crashed \(crashed)")
        #expect(try exposition.value(of: "swiftcorn_reloads_total") == 1)
        // Every request wrk saw finish was counted (but one the kill may cut between the last
        // byte and the count); beyond those, at most the ones in flight when the kill and the
        // end of the run cut their connections, and the kit's readiness probe.
        let counted = exposition.sum(of: "http_server_request_duration_seconds_count", where: ["http_route": "/"])
        #expect(counted + 1 >= Double(summary.requests))
        #expect(counted <= Double(summary.requests + 16 + 4))
        #expect(exposition.sum(of: "swiftcorn_worker_requests_total") >= counted)
    }

    static func isCounter(_ name: String, _ types: [String: String]) -> Bool {
        if types[name] == "counter" { return true }
        for suffix in ["_bucket", "_count", "_sum"] where name.hasSuffix(suffix) {
            if types[String(name.dropLast(suffix.count))] == "histogram" { return true }
        }
        return false
    }
}
