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
