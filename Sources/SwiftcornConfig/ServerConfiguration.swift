/// Everything a Swiftcorn master and its workers need to run, resolved from defaults, the YAML
/// file, the environment and the command line.
///
/// The master resolves it and hands the same value to every worker it spawns, so a worker never
/// re-reads a source that may have changed since.
public struct ServerConfiguration: Sendable, Hashable, Codable {
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
    /// Name of the built-in app the `swiftcorn` executable serves (`demo` or `static`).
    public var app: String = "demo"
    /// Directory served by the `static` app.
    public var staticRoot: String?
    /// Whether the demo app's `/fault/*` endpoints are active.
    public var enableFaultEndpoints: Bool = false
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
    /// How the master starts workers: `fork` them from its fork server (linked and loaded once),
    /// or `exec` the binary for each.
    public var workerStart: String = "fork"

    /// The defaults.
    public init() {}

    /// One worker per CPU core, as gunicorn suggests for async workers.
    public static var defaultWorkerCount: Int {
        max(1, SystemFacts.onlineProcessorCount)
    }
}

/// Severity levels, as swift-log names them.
public enum LogLevel: String, Sendable, Hashable, Codable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}

/// Where access and error records go, and how log files rotate.
public struct LoggingConfiguration: Sendable, Hashable, Codable {
    /// Access record destinations: `-` (stdout), `journald`, or file paths; empty writes none.
    public var accessLog: [String] = ["-"]
    /// Error record destinations: `-` (stderr), `journald`, or file paths.
    public var errorLog: [String] = ["-"]
    /// Record format on streams and files: `json` or `text` (gunicorn's access line).
    public var format: String = "json"
    /// A log file is rotated when it would grow past this size; 0 disables size rotation.
    public var maxSize: Int = 0
    /// Time-based rotation: `none`, `hourly` or `daily`.
    public var interval: String = "none"
    /// Rotated files kept.
    public var keep: Int = 7
    /// The clock of time rotation boundaries and dated names: `utc` or `local`.
    public var clock: String = "utc"
    /// Rotated files are `numbered` (`access.log.1`, `.2`…) or `dated` (`access.log.2026-11-28`).
    public var naming: String = "numbered"
    /// Whether rotated files are gzip-compressed.
    public var compress: Bool = false
    /// journald's `SYSLOG_IDENTIFIER`.
    public var journalIdentifier: String = "swiftcorn"
    /// Records each process's log queue holds before `overflow` applies.
    public var queueSize: Int = 8192
    /// A full queue's policy: `block` (wait: nothing lost) or `drop` (discard and count).
    public var overflow: String = "block"

    /// The defaults.
    public init() {}
}

/// The master's side port for Prometheus, `/stats` and `/healthz`.
public struct MetricsConfiguration: Sendable, Hashable, Codable {
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
public struct StatsdConfiguration: Sendable, Hashable, Codable {
    /// The statsd server, `host:port`; `nil` turns export off.
    public var host: String?
    /// Prefix of every metric name.
    public var prefix: String = "swiftcorn"
    /// dogstatsd tags added to every metric, `key:value`.
    public var tags: [String] = []
    /// How long a worker aggregates before sending.
    public var flushInterval: Duration = .seconds(1)
    /// Whether the app's own swift-metrics instruments are sent too.
    public var includeAppMetrics: Bool = false

    /// The defaults.
    public init() {}
}
