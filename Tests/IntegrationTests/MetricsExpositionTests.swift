import Foundation
import SwiftcornTestKit
import Testing

/// The side port's formats, checked by the tools scrapers use.
@Suite("Metrics side port: formats", .serialized)
struct MetricsExpositionTests {
    @Test("a scrape under load passes promtool; OpenMetrics parses with prometheus_client; gzip is honoured")
    func formatsUnderLoad() throws {
        let server = try TestServer.start(["-w", "2", "--access-logfile", "none"])
        defer { server.stop() }
        let metricsPort = try #require(server.metricsPort)
        for path in ["/", "/status/404", "/status/503", "/route/7/201"] {
            _ = try server.get(path)
        }
        let load = try LoadRun(port: server.port, connections: 8, duration: .seconds(3))
        let text = try MetricsScrape.fetch(port: metricsPort)
        let openMetrics = try MetricsScrape.fetch(port: metricsPort, accept: "application/openmetrics-text; version=1.0.0")
        let gzipped = try MetricsScrape.fetch(port: metricsPort, acceptEncoding: "gzip")
        let summary = try load.finish()
        #expect(summary.requests > 0)

        #expect(text.status == 200)
        #expect(text.contentType == "text/plain; version=0.0.4; charset=utf-8")
        let check = try Promtool.checkMetrics(text.body)
        #expect(check.isClean, "promtool: \(check.output)")
        let families = try text.exposition()
        #expect(families.types["http_server_request_duration_seconds"] == "histogram")
        #expect(families.types["swiftcorn_worker_restarts_total"] == "counter")
        for name in ["process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds", "swiftcorn_build_info"] {
            #expect(families.names.contains(name), "\(name) missing")
        }
        #expect(try families.value(of: "swiftcorn_workers", labels: ["state": "desired"]) == 2)

        #expect(openMetrics.contentType?.hasPrefix("application/openmetrics-text; version=1.0.0") == true)
        #expect(openMetrics.text.hasSuffix("# EOF\n"))
        let parsed = try OpenMetricsParser.check(body: openMetrics.body)
        #expect(parsed.contains("families"), "\(parsed)")
        #expect(openMetrics.text.contains("swiftcorn_connections_accepted_created "))

        #expect(gzipped.header("content-encoding") == "gzip")
        #expect(gzipped.wireBody.count < gzipped.body.count / 3)
        #expect(try Promtool.checkMetrics(gzipped.body).isClean)
    }

    @Test("1100 idle side-port connections: /healthz and /metrics still answer, the longest idle are closed")
    func idleFloodDoesNotLockOutTheSidePort() throws {
        // The master's soft limit starts at 1024, the common default, which 1100 idle clients
        // used to exhaust; the master raises it to the hard limit and bounds its connections.
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let saved = limit
        guard limit.rlim_max >= 4096 else {
            Issue.record("the hard open-files limit \(limit.rlim_max) is below what the test needs")
            return
        }
        limit.rlim_cur = 1024
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let started = Result { try TestServer.start(["-w", "1"]) }
        limit = saved
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let server = try started.get()
        defer { server.stop() }
        #expect(server.log.contains("raised the open-files limit to its hard limit"))
        let port = try #require(server.metricsPort)
        var idle: [HTTPTestConnection] = []
        for _ in 0..<1100 {
            idle.append(try HTTPTestConnection(port: port, timeout: .seconds(2)))
        }
        let asked = ContinuousClock.now
        let health = try MetricsScrape.fetch(port: port, path: "/healthz")
        #expect(health.status == 200)
        #expect(ContinuousClock.now - asked < .seconds(1), "target: /healthz within 1 s")
        #expect(try MetricsScrape.fetch(port: port).status == 200)
        // The first connections made room for the later ones: the server closed them.
        #expect(idle.prefix(10).allSatisfy { $0.isClosedByPeer() })
        try Poll.until("the warning", timeout: .seconds(10)) { server.log.contains("side port connection limit reached") }
    }

    @Test("a side port beyond loopback without a token is warned about at start; on loopback it is not")
    func openSidePortIsWarnedAbout() throws {
        let warning = "metrics side port listens beyond loopback without a token"
        let open = try TestServer.start(["-w", "1", "--metrics-bind", "0.0.0.0:\(try FreePort.find())"])
        defer { open.stop() }
        try Poll.until("the warning", timeout: .seconds(10)) { open.log.contains(warning) }
        let local = try TestServer.start(["-w", "1"])
        defer { local.stop() }
        try local.waitForWorkers(1)
        #expect(!local.log.contains(warning))
    }

    @Test("with metrics.auth_token_file, /metrics and /stats need the bearer token; /healthz does not")
    func bearerToken() throws {
        let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-token-\(UUID().uuidString)")
        try "s3cret-token\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: tokenFile) }
        let server = try TestServer.start(["-w", "1", "--metrics-auth-token-file", tokenFile.path])
        defer { server.stop() }
        let port = try #require(server.metricsPort)
        #expect(try MetricsScrape.fetch(port: port).status == 401)
        #expect(try MetricsScrape.fetch(port: port, authorization: "Bearer wrong-token!").status == 401)
        #expect(try MetricsScrape.fetch(port: port, path: "/stats").status == 401)
        #expect(try MetricsScrape.fetch(port: port, authorization: "Bearer s3cret-token").status == 200)
        #expect(try MetricsScrape.fetch(port: port, path: "/stats", authorization: "Bearer s3cret-token").status == 200)
        // The scheme's name is case-insensitive (RFC 9110, 11.1); the token is not.
        #expect(try MetricsScrape.fetch(port: port, authorization: "bearer s3cret-token").status == 200)
        #expect(try MetricsScrape.fetch(port: port, authorization: "BEARER S3CRET-TOKEN").status == 401)
        #expect(try MetricsScrape.fetch(port: port, path: "/healthz").status == 200)
        #expect(try MetricsScrape.fetch(port: port, path: "/nope").status == 404)
    }

    @Test("/stats names the master and each worker with its requests")
    func stats() throws {
        let server = try TestServer.start(["-w", "2"])
        defer { server.stop() }
        let connections = try server.connectionPerWorker(2)
        for connection in connections.values {
            for _ in 0..<5 { _ = try connection.request("GET", "/") }
        }
        let port = try #require(server.metricsPort)
        var workers: [[String: Any]] = []
        try Poll.until("both workers' requests in /stats", timeout: .seconds(10)) {
            let stats = try MetricsScrape.fetch(port: port, path: "/stats").json() as? [String: Any]
            workers = stats?["workers"] as? [[String: Any]] ?? []
            let master = stats?["master"] as? [String: Any]
            guard master?["pid"] as? Int == Int(server.pid), workers.count == 2 else { return false }
            return workers.allSatisfy { ($0["requests"] as? Int ?? 0) >= 6 }
        }
        #expect(Set(workers.compactMap { $0["index"] as? Int }) == [1, 2])
        #expect(Set(workers.compactMap { $0["pid"] as? Int }) == Set(connections.keys.map { Int($0.pid) }))
        #expect(workers.allSatisfy { ($0["rss_bytes"] as? Int ?? 0) > 0 && $0["heartbeat_age_ms"] != nil })
    }

    @Test("the timeout, per-worker in-flight requests and a zero rotation count before the first rotation are exported")
    func operatorSeries() throws {
        let accessLog = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-rot0-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: accessLog) }
        let server = try TestServer.start(["-w", "2", "--timeout", "7s", "--access-logfile", accessLog.path, "--log-max-size", "1MiB"])
        defer { server.stop() }
        let port = try #require(server.metricsPort)
        try Poll.until("both workers in the exposition", timeout: .seconds(10)) {
            try MetricsScrape.fetch(port: port).exposition().samples(named: "swiftcorn_worker_in_flight_requests").count == 2
        }
        let exposition = try MetricsScrape.fetch(port: port).exposition()
        #expect(try exposition.value(of: "swiftcorn_worker_timeout_seconds") == 7)
        #expect(try exposition.value(of: "swiftcorn_log_rotations_total", labels: ["file": accessLog.path]) == 0)
        #expect(exposition.sum(of: "swiftcorn_worker_in_flight_requests") == 0)
    }

    @Test("a side port that cannot bind stops the master with a reason")
    func sidePortBindFailure() throws {
        let blocker = try TestServer.start(["-w", "1"])
        defer { blocker.stop() }
        let port = try #require(blocker.metricsPort)
        let server = try TestServer.start(["-w", "1", "--metrics-bind", "127.0.0.1:\(port)"], waitUntilReady: false)
        defer { server.stop() }
        #expect(try server.waitForExit() == 1)
        #expect(server.log.contains("cannot listen on the metrics side port"))
    }
}
