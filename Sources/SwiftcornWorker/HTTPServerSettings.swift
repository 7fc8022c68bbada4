import NIOCore
import SwiftcornApp
import SwiftcornConfig
import SwiftcornLogging
import SwiftcornMetrics
import SwiftcornSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

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

/// Counts the requests a worker serves against `max_requests` plus its draw of jitter, and asks
/// the master for a replacement once, when the budget is spent.
final class RequestBudget: Sendable {
    /// Requests after which the worker retires.
    let limit: Int
    private let workerIndex: Int
    private let served = Atomic<Int>(0)

    /// A budget of `maxRequests` plus a random 0…`jitter`, so workers started together do not all
    /// retire together; `nil` when `maxRequests` is 0.
    init?(maxRequests: Int, jitter: Int, workerIndex: Int) {
        guard maxRequests > 0 else { return nil }
        self.limit = maxRequests + (jitter > 0 ? Int.random(in: 0...jitter) : 0)
        self.workerIndex = workerIndex
    }

    /// One more request served.
    func spend() {
        if self.served.add(1, ordering: .relaxed).newValue == self.limit {
            ControlMessage.retire(index: self.workerIndex, pid: getpid()).send()
        }
    }
}

/// The requests a worker is serving right now, readable from any thread: when the master aborts
/// a worker whose event loop hangs, the supervising thread names them in its last record.
final class InFlightRequests: Sendable {
    /// One request in flight.
    struct Entry: Sendable {
        let method: String
        let target: String
        let requestID: String
        let startedNanoseconds: UInt64
    }

    private struct State {
        var next: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
    }

    private let state = Mutex(State())

    /// Records a request that began at `started` (CLOCK_MONOTONIC, like the heartbeat); returns
    /// the key that ends it.
    func begin(method: String, target: String, requestID: String, started: NIODeadline) -> UInt64 {
        let entry = Entry(method: method, target: target, requestID: requestID, startedNanoseconds: started.uptimeNanoseconds)
        return self.state.withLock { state in
            state.next &+= 1
            state.entries[state.next] = entry
            return state.next
        }
    }

    /// The request of `key` is over.
    func end(_ key: UInt64) {
        _ = self.state.withLock { $0.entries.removeValue(forKey: key) }
    }

    /// Every request in flight, oldest first.
    var snapshot: [Entry] {
        self.state.withLock { Array($0.entries.values) }.sorted { $0.startedNanoseconds < $1.startedNanoseconds }
    }
}
