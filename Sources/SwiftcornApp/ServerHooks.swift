/// Functions Swiftcorn calls at moments of a server's life: gunicorn's server hooks, typed.
///
/// Master hooks run in the master, on its loop: keep them short, they delay supervision.
/// Worker hooks run in each worker; ``preRequest`` and ``postRequest`` run on the request's
/// event loop for every request, so they must not block (no file, network or lock waits).
///
/// ```swift
/// var hooks = ServerHooks()
/// hooks.postRequest = { summary in
///     if summary.duration > .seconds(1) { summary.addField("slow", "true") }
/// }
/// Swiftcorn.main(app: MyApp(), hooks: hooks)
/// ```
public struct ServerHooks: Sendable {
    /// Master: before it binds its sockets and starts any worker.
    public var onStarting: (@Sendable () -> Void)?
    /// Master: once every worker of the first generation accepts.
    public var whenReady: (@Sendable () -> Void)?
    /// Master: a reload (HUP) was accepted; the workers are about to be rolled.
    public var onReload: (@Sendable () -> Void)?
    /// Master: the desired worker count changed (TTIN, TTOU, reload): new count, old count.
    public var workersChanged: (@Sendable (_ new: Int, _ old: Int) -> Void)?
    /// Master: a worker process ended and was reaped.
    public var childExit: (@Sendable (WorkerExitSummary) -> Void)?
    /// Master: just before it exits.
    public var onExit: (@Sendable () -> Void)?

    /// Worker: the application is built and the worker is about to accept; its worker index.
    public var postWorkerInit: (@Sendable (_ workerIndex: Int) -> Void)?
    /// Worker: a request head arrived and is about to reach the responder, which sees any change
    /// made to the context (route, logger metadata).
    public var preRequest: (@Sendable (Request, RequestContext) -> Void)?
    /// Worker: a request ended (response sent, or the client left: status 499); fields added to
    /// the summary are written into its access record.
    public var postRequest: (@Sendable (RequestSummary) -> Void)?
    /// Worker: the master aborted it for a stale heartbeat (SIGABRT); its worker index.
    public var workerAbort: (@Sendable (_ workerIndex: Int) -> Void)?
    /// Worker: about to exit after a graceful stop, recycling or orphaning; its worker index.
    public var workerExit: (@Sendable (_ workerIndex: Int) -> Void)?

    /// No hooks.
    public init() {}
}

/// A worker's end as ``ServerHooks/childExit`` sees it.
public struct WorkerExitSummary: Sendable {
    /// The worker index, 1…N.
    public let workerIndex: Int
    /// The process id.
    public let pid: Int32
    /// Why it ended.
    public let reason: WorkerExitReason
    /// How it ended, as the master logs it, e.g. `exit status 0` or `signal 9 (SIGKILL)`.
    public let status: String

    /// A summary.
    public init(workerIndex: Int, pid: Int32, reason: WorkerExitReason, status: String) {
        self.workerIndex = workerIndex
        self.pid = pid
        self.reason = reason
        self.status = status
    }
}

/// Why a worker process ended; every exit has one, logged and counted.
public enum WorkerExitReason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// It died unexpectedly: a trap, a signal, or an exit the master did not ask for.
    case crash
    /// Its heartbeat stopped for longer than `timeout`.
    case timeout
    /// It served its `max_requests` and was recycled.
    case maxRequests = "max_requests"
    /// It was replaced by a configuration reload.
    case reload
    /// The worker count was lowered.
    case scaleDown = "scale_down"
    /// The master is stopping.
    case shutdown
    /// The application failed to start in it.
    case bootFailure = "boot_failure"

    /// The name logged and used as the `reason` label, e.g. `max_requests`.
    public var description: String { self.rawValue }
}
