import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `swiftcorn` master started for a test, on loopback, and always cleaned up.
///
/// ```swift
/// let server = try TestServer.start(["-w", "2"])
/// defer { server.stop() }
/// let response = try server.get("/")
/// ```
public final class TestServer: @unchecked Sendable {
    /// The master's process.
    public let process: Process
    /// The TCP port of the first `-b` address the kit chose.
    public let port: Int
    /// Where the master's stdout and stderr go.
    public let logFile: URL
    /// The metrics side port the kit chose, unless the arguments set `--metrics-bind` themselves.
    public let metricsPort: Int?

    private init(process: Process, port: Int, logFile: URL, metricsPort: Int?) {
        self.process = process
        self.port = port
        self.logFile = logFile
        self.metricsPort = metricsPort
    }

    /// The master's pid.
    public var pid: pid_t { self.process.processIdentifier }

    /// The `swiftcorn` binary under test: `$SWIFTCORN_BIN`, else the package's debug build.
    public static var binaryPath: String {
        if let path = ProcessInfo.processInfo.environment["SWIFTCORN_BIN"] { return path }
        return packageRoot.appendingPathComponent(".build/debug/swiftcorn").path
    }

    /// `swiftcorn-test-app`, an app built on `Swiftcorn.main` with the tests' own switches.
    /// Beside `$SWIFTCORN_BIN` when that is set, so both come from the same build.
    public static var testAppPath: String {
        if let path = ProcessInfo.processInfo.environment["SWIFTCORN_BIN"] {
            return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("swiftcorn-test-app").path
        }
        return packageRoot.appendingPathComponent(".build/debug/swiftcorn-test-app").path
    }

    /// The package's root folder.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Starts the binary with `arguments`; adds `-b 127.0.0.1:<free port>` unless `bind` is false.
    /// With `waitUntilReady`, returns once `GET /` on that port answers.
    public static func start(
        _ arguments: [String] = [],
        bind: Bool = true,
        environment: [String: String] = [:],
        waitUntilReady: Bool = true,
        readyPath: String = "/",
        binary: String = TestServer.binaryPath
    ) throws -> TestServer {
        let port = try FreePort.find()
        // Every server gets its own side port: the default 9464 would be shared by all of them.
        let setsMetrics = arguments.contains("--metrics-bind") || environment["SWIFTCORN_METRICS_BIND"] != nil
        let metricsPort = setsMetrics ? nil : try FreePort.find()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments =
            (bind ? ["-b", "127.0.0.1:\(port)"] : []) + (metricsPort.map { ["--metrics-bind", "127.0.0.1:\($0)"] } ?? []) + arguments
        var env = ProcessInfo.processInfo.environment
        // Names the binary for the kit; the server would refuse it as an unknown setting.
        env["SWIFTCORN_BIN"] = nil
        env.merge(environment) { _, new in new }
        process.environment = env
        let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-test-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let server = TestServer(process: process, port: port, logFile: logFile, metricsPort: metricsPort)
        if waitUntilReady {
            do {
                try server.waitUntilAnswering(path: readyPath)
            } catch {
                server.stop()
                throw error
            }
        }
        return server
    }

    /// Polls `GET path` until it answers or `timeout` passes.
    public func waitUntilAnswering(path: String = "/", timeout: Duration = .seconds(30)) throws {
        try Poll.until("server on port \(self.port) answers", timeout: timeout) {
            guard self.process.isRunning else { throw TestServerError.exited(self.log) }
            return (try? self.get(path)) != nil
        }
    }

    /// Sends `GET path` on a new connection.
    public func get(_ path: String, headers: [(String, String)] = []) throws -> HTTPTestResponse {
        let connection = try HTTPTestConnection(port: self.port)
        defer { connection.close() }
        return try connection.request("GET", path, headers: headers + [("Connection", "close")])
    }

    /// Sends `signal` to the master.
    public func signal(_ signal: Int32) {
        kill(self.pid, signal)
    }

    /// Pids of the master's live workers (its children but the fork server).
    public var workerPIDs: [pid_t] {
        ProcFS.workers(of: self.pid)
    }

    /// Waits until the master has `count` workers, none of them in `excluding`.
    @discardableResult
    public func waitForWorkers(_ count: Int, excluding old: Set<pid_t> = [], timeout: Duration = .seconds(20)) throws -> [pid_t] {
        var pids: [pid_t] = []
        try Poll.until("\(count) workers", timeout: timeout) {
            pids = self.workerPIDs
            return pids.count == count && old.isDisjoint(with: pids)
        }
        return pids
    }

    /// Waits for the master to exit; returns its exit status (or 128 + signal).
    public func waitForExit(timeout: Duration = .seconds(30)) throws -> Int32 {
        try Poll.until("master \(self.pid) exits", timeout: timeout) { !self.process.isRunning }
        return self.process.terminationReason == .uncaughtSignal ? 128 + self.process.terminationStatus : self.process.terminationStatus
    }

    /// What the master and its workers printed so far.
    public var log: String {
        (try? String(contentsOf: self.logFile, encoding: .utf8)) ?? ""
    }

    /// Stops the master and every worker: QUIT, then KILL after a few seconds.
    public func stop() {
        let workers = self.workerPIDs
        if self.process.isRunning {
            kill(self.pid, SIGQUIT)
            if (try? Poll.until("master stops", timeout: .seconds(5), { !self.process.isRunning })) == nil {
                kill(self.pid, SIGKILL)
                self.process.waitUntilExit()
            }
        }
        for worker in workers {
            kill(worker, SIGKILL)
        }
        try? FileManager.default.removeItem(at: self.logFile)
    }
}

/// Why a test server could not be used.
public enum TestServerError: Error, CustomStringConvertible {
    /// The server exited before it answered, with its log.
    case exited(String)
    /// The server was started with its own `--metrics-bind`, so the kit does not know its side port.
    case noSidePort

    public var description: String {
        switch self {
        case .exited(let log): "server exited early; its log:\n\(log)"
        case .noSidePort: "the server's side port is unknown to the kit (started with --metrics-bind)"
        }
    }
}
