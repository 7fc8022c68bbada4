import Logging
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

extension MasterLoop {
    /// Carries out the pending actions (which may add more); the exit status once the master
    /// must stop.
    mutating func performPending() -> Int32? {
        while !self.pending.isEmpty {
            let action = self.pending.removeFirst()
            switch action {
            case .spawn(let index):
                let now = ContinuousClock.now
                do {
                    let pid = try self.spawner.spawn(index: index)
                    self.logger.info("worker started", metadata: ["worker_index": "\(index)", "worker_pid": "\(pid)"])
                    self.pending += self.supervisor.workerSpawned(index: index, pid: pid, now: now)
                } catch {
                    self.logger.error("cannot start worker", metadata: ["worker_index": "\(index)", "error": "\(error)"])
                    self.pending += self.supervisor.spawnFailed(index: index, now: now)
                }
            case .signal(let pid, let signal):
                kill(pid, signal)
            case .report(let exit):
                self.report(exit)
            case .exit(let code):
                self.logger.info("master stopped", metadata: ["exit_status": "\(code)"])
                return code
            }
        }
        return nil
    }

    /// Reaps every child that has ended.
    mutating func reapChildren(now: ContinuousClock.Instant) {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { break }
            self.pending += self.supervisor.childExited(pid: pid, status: ProcessExitStatus(waitStatus: status), now: now)
        }
    }

    /// Logs a worker's end with its reason.
    func report(_ exit: WorkerSupervisor.WorkerExit) {
        var metadata: Logger.Metadata = [
            "worker_index": "\(exit.index)",
            "worker_pid": "\(exit.pid)",
            "reason": "\(exit.reason.rawValue)",
            "status": "\(exit.status)",
            "lifetime_s": "\(exit.lifetime.seconds)",
        ]
        if let delay = exit.respawnDelay {
            metadata["respawn_in_s"] = "\(delay.seconds)"
        }
        switch exit.reason {
        case .shutdown, .maxRequests, .reload, .scaleDown:
            self.logger.info("worker exited", metadata: metadata)
        case .bootFailure:
            self.logger.critical("worker failed to boot; stopping", metadata: metadata)
        case .crash, .timeout:
            self.logger.error("worker exited", metadata: metadata)
        }
    }
}
