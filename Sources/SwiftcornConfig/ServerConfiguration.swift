/// Everything a Swiftcorn master and its workers need to run, resolved from the command line.
///
/// The master resolves it once and hands the same value to every worker it spawns, so a worker
/// never re-reads a source that may have changed since the master started.
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
    /// Heartbeat timeout after which a silent worker is killed (wired by the lifecycle work).
    public var timeout: Duration = .seconds(30)
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
    /// Name of the built-in app the `swiftcorn` executable serves (`demo` or `static`).
    public var app: String = "demo"
    /// Directory served by the `static` app.
    public var staticRoot: String?
    /// Whether the demo app's `/fault/*` endpoints are active.
    public var enableFaultEndpoints: Bool = false

    /// The defaults.
    public init() {}

    /// One worker per CPU core, as gunicorn suggests for async workers.
    public static var defaultWorkerCount: Int {
        max(1, SystemFacts.onlineProcessorCount)
    }
}
