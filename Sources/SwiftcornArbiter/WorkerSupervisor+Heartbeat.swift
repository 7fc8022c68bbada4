import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// Workers whose heartbeat stopped.
extension WorkerSupervisor {
    /// Slots whose heartbeat the master checks: running workers not already aborted or leaving.
    var heartbeatWatched: [(index: Int, pid: pid_t)] {
        guard case .running = self.phase else { return [] }
        return self.slots.enumerated().compactMap { offset, slot in
            if case .running(let pid, _) = slot.state, self.timedOut[pid] == nil { return (offset + 1, pid) }
            return nil
        }
    }

    /// The heartbeat of `pid` is older than `timeout`.
    mutating func workerTimedOut(pid: pid_t, now: ContinuousClock.Instant) -> [Action] {
        guard self.timedOut[pid] == nil else { return [] }
        self.timedOut[pid] = now
        return [.signal(pid: pid, signal: SIGABRT)]
    }
}
