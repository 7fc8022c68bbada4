import NIOCore
import SwiftcornConfig
import SwiftcornApp
import SwiftcornLogging
import SwiftcornMetrics

/// The per-connection settings every connection handler of a worker shares.
///
/// A class, not a struct: every request reads it, and a struct of this many references was
/// copied (a retain and a release each) wherever it was passed.
final class HTTPServerSettings: Sendable {
    let headLimits: RequestHeadLimits
    let maxBodySize: Int
    let keepalive: TimeAmount
    let headerTimeout: TimeAmount
    let workerIndex: Int
    let pid: Int32
    /// Where access records go; `nil` when the access log is off.
    let accessLog: LogWriter?
    let requestIDs: RequestIDGenerator
    /// Peers whose `X-Forwarded-For` and `X-Request-ID` are believed.
    let forwardedAllowIPs: Set<String>
    /// `max_requests` accounting; `nil` when workers are never recycled.
    let requestBudget: RequestBudget?
    /// What the worker is serving, for the record written when it is aborted.
    let inFlight: InFlightRequests
    /// Prometheus instruments; `nil` when the side port is off.
    let metrics: HTTPServerMetrics?
    /// statsd; `nil` when off.
    let statsd: StatsdClient?
    /// The app's hooks.
    let hooks: ServerHooks

    init(
        configuration: ServerConfiguration,
        workerIndex: Int,
        pid: Int32,
        accessLog: LogWriter?,
        inFlight: InFlightRequests,
        instruments: WorkerInstruments,
        hooks: ServerHooks
    ) {
        self.hooks = hooks
        self.inFlight = inFlight
        self.metrics = instruments.http
        self.statsd = instruments.statsd
        self.headLimits = RequestHeadLimits(configuration)
        self.maxBodySize = configuration.maxBodySize
        self.keepalive = TimeAmount(configuration.keepalive)
        self.headerTimeout = TimeAmount(configuration.headerTimeout)
        self.workerIndex = workerIndex
        self.pid = pid
        self.accessLog = accessLog
        self.requestIDs = RequestIDGenerator()
        self.forwardedAllowIPs = Set(configuration.forwardedAllowIPs)
        self.requestBudget = RequestBudget(
            maxRequests: configuration.maxRequests,
            jitter: configuration.maxRequestsJitter,
            workerIndex: workerIndex
        )
    }

    /// Whether headers from `peer` that name the client or the request are trusted.
    func trusts(_ peer: String) -> Bool {
        self.forwardedAllowIPs.contains("*") || self.forwardedAllowIPs.contains(peer)
    }
}
