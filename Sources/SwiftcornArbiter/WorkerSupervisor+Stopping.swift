import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// Stopping the master: TERM or QUIT to every worker, SIGKILL at the deadline, exit once all are reaped.
extension WorkerSupervisor {
    /// TERM or INT (graceful) or QUIT (fast) reached the master.
    mutating func stopRequested(graceful: Bool, now: ContinuousClock.Instant) -> [Action] {
        switch self.phase {
        case .running:
            return self.stop(graceful: graceful, now: now, exitCode: 0)
        case .stopping(true, _, let exitCode) where !graceful:
            return self.stop(graceful: false, now: now, exitCode: exitCode)
        case .stopping, .stopped:
            return []
        }
    }

    mutating func stop(graceful: Bool, now: ContinuousClock.Instant, exitCode: Int32) -> [Action] {
        let grace = graceful ? self.gracefulTimeout : Self.fastStopGrace
        self.phase = .stopping(graceful: graceful, killAt: now + grace, exitCode: exitCode)
        for offset in self.slots.indices {
            if case .waiting = self.slots[offset].state {
                self.slots[offset].state = .empty
            }
        }
        let signal = graceful ? SIGTERM : SIGQUIT
        return self.runningWorkers.map { .signal(pid: $0.pid, signal: signal) } + self.exitIfAllStopped()
    }

    mutating func exitIfAllStopped() -> [Action] {
        guard case .stopping(_, _, let exitCode) = self.phase, self.runningWorkers.isEmpty else { return [] }
        self.phase = .stopped
        return [.exit(code: exitCode)]
    }
}
