#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything a Swiftcorn master and its workers need to run, resolved from defaults, the YAML
/// file, the environment and the command line.
///
/// The master resolves it and hands the same value to every worker it spawns, so a worker never
/// re-reads a source that may have changed since.
public struct ServerConfiguration: Sendable, Hashable {
    /// Addresses to listen on; several are allowed.
    public var binds: [BindAddress] = [.tcp(host: "127.0.0.1", port: 8000)]
    /// Number of worker processes.
    public var workers: Int = ServerConfiguration.defaultWorkerCount
    /// Event loop threads per worker.
    public var threads: Int = 1
    /// Listen backlog of each socket.
    public var backlog: Int = 2048
    /// Maximum open connections per worker; beyond it a worker stops accepting.
    public var workerConnections: Int = 1000
    /// How long an idle keep-alive connection stays open.
    public var keepalive: Duration = .seconds(5)
    /// Time a stopping worker gets to finish in-flight requests before it is killed.
    public var gracefulTimeout: Duration = .seconds(30)
    /// Heartbeat timeout after which a silent worker is killed.
    public var timeout: Duration = .seconds(30)
    /// Requests a worker serves before it is recycled; 0 never recycles.
    public var maxRequests: Int = 0
    /// Up to this many more requests, drawn per worker, so workers do not recycle together.
    public var maxRequestsJitter: Int = 0
    /// Longest accepted request line, in bytes; longer gets 414.
    public var limitRequestLine: Int = 8190
    /// Most header fields accepted in one request; more gets 431.
    public var limitRequestFields: Int = 100
    /// Longest accepted header field (name, colon, value), in bytes; longer gets 431.
    public var limitRequestFieldSize: Int = 8190
    /// Time a client has to send a complete request head; slower gets 408.
    public var headerTimeout: Duration = .seconds(10)
    /// Largest accepted request body, in bytes; larger gets 413.
    public var maxBodySize: Int = 10 * 1_048_576
    /// Peers whose `X-Forwarded-For` and `X-Request-ID` are trusted; `*` trusts every peer.
    public var forwardedAllowIPs: [String] = ["127.0.0.1", "::1"]
    /// Where the master writes its pid, if anywhere.
    public var pidfile: String?
    /// Lowest level of error-log records that are written.
    public var logLevel: LogLevel = .info
    /// Logging destinations and rotation.
    public var logging = LoggingConfiguration()
    /// The Prometheus side port.
    public var metrics = MetricsConfiguration()
    /// statsd export.
    public var statsd = StatsdConfiguration()
    /// On USR2, whether the old master stops once the new one is ready.
    public var upgradeAutoStop: Bool = false
    /// How the master starts workers.
    public var workerStart: WorkerStart = .fork

    /// The app's own settings (``AppSetting``), as validated text by key; read them with
    /// `configuration[setting]`.
    var appValues: [String: String] = [:]

    /// The defaults.
    public init() {}

    /// One worker per CPU core, as gunicorn suggests for async workers.
    public static var defaultWorkerCount: Int {
        max(1, SystemFacts.onlineProcessorCount)
    }
}

/// Severity levels, as swift-log names them.
public enum LogLevel: String, Sendable, Hashable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}

/// Where access and error records go, and how log files rotate.
public struct LoggingConfiguration: Sendable, Hashable {
    /// Access record destinations: `-` (stdout), `journald`, or file paths; empty writes none.
    public var accessLog: [String] = ["-"]
    /// Error record destinations: `-` (stderr), `journald`, or file paths.
    public var errorLog: [String] = ["-"]
    /// Record format on streams and files.
    public var format: LogFormat = .json
    /// A log file is rotated when it would grow past this size; 0 disables size rotation.
    public var maxSize: Int = 0
    /// Time-based rotation.
    public var interval: RotationInterval = .none
    /// Rotated files kept.
    public var keep: Int = 7
    /// The clock of time rotation boundaries and dated names.
    public var clock: RotationClockZone = .utc
    /// How rotated files are named.
    public var naming: RotatedFileNaming = .numbered
    /// Whether rotated files are gzip-compressed.
    public var compress: Bool = false
    /// journald's `SYSLOG_IDENTIFIER`.
    public var journalIdentifier: String = "swiftcorn"
    /// Records each process's log queue holds before `overflow` applies.
    public var queueSize: Int = 8192
    /// A full queue's policy.
    public var overflow: LogOverflow = .block

    /// The defaults.
    public init() {}
}

/// The master's side port for Prometheus, `/stats` and `/healthz`.
public struct MetricsConfiguration: Sendable, Hashable {
    /// Where the side port listens; `nil` turns it off.
    public var bind: BindAddress? = .tcp(host: "127.0.0.1", port: 9464)
    /// Path of the Prometheus endpoint.
    public var path: String = "/metrics"
    /// A file holding the bearer token scrapers must send, if any.
    public var authTokenFile: String?

    /// The defaults.
    public init() {}
}

/// statsd export, with gunicorn's metric names.
public struct StatsdConfiguration: Sendable, Hashable {
    /// The statsd server; `nil` turns export off.
    public var host: ServiceAddress?
    /// Prefix of every metric name.
    public var prefix: String = "swiftcorn"
    /// dogstatsd tags added to every metric, `key:value`.
    public var tags: [String] = []
    /// How long a worker aggregates before sending.
    public var flushInterval: Duration = .seconds(1)
    /// Whether the app's own swift-metrics instruments are sent too.
    public var includeAppMetrics: Bool = false
    /// The statsd port when an address names none.
    public static let defaultPort = 8125

    /// The defaults.
    public init() {}
}

/// How the master starts a worker.
public enum WorkerStart: String, Sendable, Hashable, CaseIterable {
    /// Forked from the fork server, which linked and loaded the binary once: cheap replacements.
    case fork
    /// The binary executed anew for each worker: nothing is shared but what the master passes.
    case exec
}

/// How a stream or file sink renders records.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    /// One JSON object per line (the record schema in docs/design.md).
    case json
    /// gunicorn's default access line (Apache combined plus the duration in seconds) and a
    /// plain error line, for tools that expect them.
    case text
}

/// What a process does when its log queue is full.
public enum LogOverflow: String, Sendable, Hashable, CaseIterable {
    /// The writing thread waits for room: nothing is lost.
    case block
    /// The record is discarded and counted.
    case drop
}

/// Time-based rotation of log files.
public enum RotationInterval: String, Sendable, Hashable, CaseIterable {
    case none, hourly, daily
}

/// The clock of rotation boundaries and dated file names.
public enum RotationClockZone: String, Sendable, Hashable, CaseIterable {
    case utc, local
}

/// How rotated log files are named.
public enum RotatedFileNaming: String, Sendable, Hashable, CaseIterable {
    /// `access.log.1`, `.2`…, the newest first (logrotate's default).
    case numbered
    /// `access.log.2026-11-28` (hourly: `…T13`), by the period they cover.
    case dated
}

/// Facts about the machine that defaults depend on.
enum SystemFacts {
    /// Number of online processors, at least 1.
    static var onlineProcessorCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
