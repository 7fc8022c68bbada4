import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

extension WorkerSupervisor {
    /// What the arbiter must do next.
    enum Action: Equatable {
        /// Start the worker of slot `index`.
        case spawn(index: Int)
        /// Send `signal` to `pid`.
        case signal(pid: pid_t, signal: Int32)
        /// Stop `pid` gracefully (TERM), passing its keep-alive connections to `successor`, the
        /// worker that replaces it.
        case retire(pid: pid_t, successor: pid_t)
        /// Report a worker's end.
        case report(WorkerExit)
        /// Stop the master with this exit status.
        case exit(code: Int32)
    }

    /// A worker's end, for logs and metrics.
    struct WorkerExit: Equatable {
        let index: Int
        let pid: pid_t
        let status: ProcessExitStatus
        let reason: WorkerExitReason
        let lifetime: Duration
        /// When the slot will be filled again, if it will.
        let respawnDelay: Duration?
    }
}
