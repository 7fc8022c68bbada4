import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `prometheus` server (Debian 12 ships 2.42) started for a test, scraping the targets it
/// is given every second, and always cleaned up. Not Debian's `prometheus.service`: its own
/// process, config, data directory and free loopback port.
///
/// ```swift
/// let prometheus = try PrometheusServer.start(scraping: "127.0.0.1:\(metricsPort)")
/// defer { prometheus.stop() }
/// let up = try prometheus.waitForQuery("up") { $0.first?.value == 1 }
/// ```
///
/// Prometheus 2.42 asks targets for OpenMetrics first (its `Accept` header prefers
/// `application/openmetrics-text;version=1.0.0`, then `text/plain;version=0.0.4`), so a scrape
/// by it exercises the server's OpenMetrics output.
public final class PrometheusServer: @unchecked Sendable {
    /// The prometheus process.
    public let process: Process
    /// The port of its web and API listener on 127.0.0.1.
    public let port: Int
    /// The temporary folder holding `prometheus.yml`, `data/` and `prometheus.log`.
    public let directory: URL
    /// Where prometheus's stdout and stderr go.
    public let logFile: URL

    private init(process: Process, port: Int, directory: URL) {
        self.process = process
        self.port = port
        self.directory = directory
        self.logFile = directory.appendingPathComponent("prometheus.log")
    }

    /// The `prometheus` binary: `$PROMETHEUS_BIN`, else `prometheus` in `$PATH`.
    public static func binaryPath() throws -> String {
        try ExternalCommand.locate(ProcessInfo.processInfo.environment["PROMETHEUS_BIN"] ?? "prometheus")
    }

    /// The `prometheus.yml` the kit writes: `scrape_interval` and `evaluation_interval` of
    /// `interval`, and one job `jobName` scraping `targets` (`host:port`) at `metricsPath`.
    /// `extraJobYAML` is appended inside the job, indented by the caller to four spaces
    /// (e.g. `"    basic_auth:\n      username: u\n      password: p\n"`).
    public static func configuration(
        targets: [String],
        metricsPath: String = "/metrics",
        jobName: String = "swiftcorn",
        interval: String = "1s",
        extraJobYAML: String = ""
    ) -> String {
        let targetList = targets.map { "'\($0)'" }.joined(separator: ", ")
        return """
            global:
              scrape_interval: \(interval)
              scrape_timeout: \(interval)
              evaluation_interval: \(interval)
            scrape_configs:
              - job_name: '\(jobName)'
                metrics_path: '\(metricsPath)'
                static_configs:
                  - targets: [\(targetList)]

            """ + extraJobYAML
    }

    /// Starts prometheus scraping `targets` (each `host:port`) as `configuration(…)` describes,
    /// listening on `127.0.0.1:<free port>`, and waits until `/-/ready` answers 200.
    /// `listenPort` fixes the port instead (for a config that scrapes prometheus itself).
    public static func start(
        scraping targets: [String],
        metricsPath: String = "/metrics",
        jobName: String = "swiftcorn",
        interval: String = "1s",
        extraJobYAML: String = "",
        listenPort: Int? = nil,
        readyTimeout: Duration = .seconds(30)
    ) throws -> PrometheusServer {
        let binary = try Self.binaryPath()
        let port = try listenPort ?? FreePort.find()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        let configFile = directory.appendingPathComponent("prometheus.yml")
        let config = Self.configuration(
            targets: targets,
            metricsPath: metricsPath,
            jobName: jobName,
            interval: interval,
            extraJobYAML: extraJobYAML
        )
        try config.write(to: configFile, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--config.file=\(configFile.path)",
            "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)",
        ]
        process.currentDirectoryURL = directory
        let server = PrometheusServer(process: process, port: port, directory: directory)
        _ = FileManager.default.createFile(atPath: server.logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: server.logFile)
        defer { try? handle.close() }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        do {
            try process.run()
            try Poll.until("prometheus on port \(port) is ready", timeout: readyTimeout, interval: .milliseconds(100)) {
                guard process.isRunning else { throw PrometheusServerError.exited(server.log) }
                return (try? server.get("/-/ready").status) == 200
            }
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    /// Starts prometheus scraping the one target `target` (`host:port`); see `start(scraping:…)`.
    public static func start(
        scraping target: String,
        metricsPath: String = "/metrics",
        jobName: String = "swiftcorn",
        interval: String = "1s",
        extraJobYAML: String = "",
        readyTimeout: Duration = .seconds(30)
    ) throws -> PrometheusServer {
        try Self.start(
            scraping: [target],
            metricsPath: metricsPath,
            jobName: jobName,
            interval: interval,
            extraJobYAML: extraJobYAML,
            readyTimeout: readyTimeout
        )
    }

    /// Sends `GET path` to prometheus's own listener.
    public func get(_ path: String) throws -> HTTPTestResponse {
        let connection = try HTTPTestConnection(port: self.port)
        defer { connection.close() }
        return try connection.request("GET", path, headers: [("Connection", "close")])
    }

    /// Evaluates `promql` now through `/api/v1/query`: one entry per series of an instant
    /// vector (its labels, `__name__` included when the series has one), or one entry with no
    /// labels for a scalar. Throws prometheus's error for a bad query, and for range vectors.
    public func query(_ promql: String) throws -> [(labels: [String: String], value: Double)] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = promql.addingPercentEncoding(withAllowedCharacters: allowed) ?? promql
        let response = try self.get("/api/v1/query?query=\(encoded)")
        guard let json = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw PrometheusServerError.badAnswer(promql, "HTTP \(response.status), not JSON: \(response.text.prefix(200))")
        }
        guard json["status"] as? String == "success" else {
            throw PrometheusServerError.queryFailed(promql, "\(json["errorType"] ?? "?"): \(json["error"] ?? response.text)")
        }
        guard let data = json["data"] as? [String: Any], let resultType = data["resultType"] as? String else {
            throw PrometheusServerError.badAnswer(promql, response.text)
        }
        switch resultType {
        case "vector":
            guard let series = data["result"] as? [[String: Any]] else { throw PrometheusServerError.badAnswer(promql, response.text) }
            return try series.map { entry in
                let labels = entry["metric"] as? [String: String] ?? [:]
                return (labels: labels, value: try Self.sampleValue(entry["value"], promql: promql))
            }
        case "scalar":
            return [(labels: [:], value: try Self.sampleValue(data["result"], promql: promql))]
        default:
            throw PrometheusServerError.queryFailed(promql, "result type \(resultType) is not an instant vector or scalar")
        }
    }

    /// Polls `query(promql)` every 200 ms until `condition` holds for its result, and returns
    /// that result. On timeout the error carries the last result and the scrape targets' health.
    @discardableResult
    public func waitForQuery(
        _ promql: String,
        timeout: Duration = .seconds(30),
        until condition: ([(labels: [String: String], value: Double)]) -> Bool = { !$0.isEmpty }
    ) throws -> [(labels: [String: String], value: Double)] {
        var last: [(labels: [String: String], value: Double)] = []
        do {
            try Poll.until("prometheus query \(promql)", timeout: timeout, interval: .milliseconds(200)) {
                guard self.process.isRunning else { throw PrometheusServerError.exited(self.log) }
                last = try self.query(promql)
                return condition(last)
            }
        } catch is PollTimeout {
            let lastText = last.map { "\($0.labels) \($0.value)" }.joined(separator: "; ")
            throw PrometheusServerError.queryTimedOut(promql, timeout, lastResult: lastText, targets: self.targetHealth())
        }
        return last
    }

    /// The scrape targets as `/api/v1/targets` reports them: one line per active target with its
    /// scrape URL, health (`up`, `down`, `unknown`) and last error; for failure messages.
    public func targetHealth() -> String {
        guard let response = try? self.get("/api/v1/targets"),
            let json = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let data = json["data"] as? [String: Any],
            let targets = data["activeTargets"] as? [[String: Any]]
        else { return "(targets unavailable)" }
        return targets.map { target in
            let url = target["scrapeUrl"] as? String ?? "?"
            let health = target["health"] as? String ?? "?"
            let error = target["lastError"] as? String ?? ""
            return "\(url) \(health)" + (error.isEmpty ? "" : " (\(error))")
        }.joined(separator: "\n")
    }

    /// What prometheus printed so far.
    public var log: String {
        (try? String(contentsOf: self.logFile, encoding: .utf8)) ?? ""
    }

    /// Stops prometheus (TERM, then KILL after 5 s) and removes its temporary folder.
    public func stop() {
        if self.process.isRunning {
            kill(self.process.processIdentifier, SIGTERM)
            if (try? Poll.until("prometheus stops", timeout: .seconds(5), { !self.process.isRunning })) == nil {
                kill(self.process.processIdentifier, SIGKILL)
            }
            self.process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: self.directory)
    }

    private static func sampleValue(_ pair: Any?, promql: String) throws -> Double {
        guard let pair = pair as? [Any], pair.count == 2, let text = pair[1] as? String else {
            throw PrometheusServerError.badAnswer(promql, "sample \(String(describing: pair))")
        }
        switch text {
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default:
            guard let value = Double(text) else { throw PrometheusServerError.badAnswer(promql, "value '\(text)'") }
            return value
        }
    }
}

/// Why a test's prometheus could not be used.
public enum PrometheusServerError: Error, CustomStringConvertible {
    /// prometheus exited; carries its log.
    case exited(String)
    /// prometheus refused the query; carries the query and its error.
    case queryFailed(String, String)
    /// prometheus answered something the kit cannot read; carries the query and the answer.
    case badAnswer(String, String)
    /// `waitForQuery` ran out of time; carries the last result and the targets' health.
    case queryTimedOut(String, Duration, lastResult: String, targets: String)

    /// The message a failing test shows.
    public var description: String {
        switch self {
        case .exited(let log): "prometheus exited early; its log:\n\(log)"
        case .queryFailed(let query, let error): "prometheus query '\(query)' failed: \(error)"
        case .badAnswer(let query, let answer): "prometheus answered query '\(query)' unreadably: \(answer)"
        case .queryTimedOut(let query, let timeout, let last, let targets):
            "prometheus query '\(query)' did not give the expected result within \(timeout); last result: [\(last)]; targets:\n\(targets)"
        }
    }
}
