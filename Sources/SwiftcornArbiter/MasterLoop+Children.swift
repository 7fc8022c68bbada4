import CSwiftcornSystem
import Logging
import SwiftcornHTTP
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
                guard let heartbeatSlot = self.heartbeatSlots.take() else {
                    self.logger.error("cannot start worker: every heartbeat slot is taken", metadata: ["worker_index": "\(index)"])
                    self.pending += self.supervisor.spawnFailed(index: index, now: now)
                    continue
                }
                let metricsSlot = self.observed.aggregator?.lend(workerIndex: index)
                do {
                    let pid = try self.spawner.spawn(index: index, heartbeatSlot: heartbeatSlot, metricsSlot: metricsSlot)
                    self.heartbeatSlots.assign(heartbeatSlot, to: pid)
                    if let metricsSlot { self.observed.aggregator?.attach(slot: metricsSlot, pid: pid) }
                    self.observed.stats.workerStarted(index: index, pid: pid, heartbeatSlot: heartbeatSlot)
                    self.logger.info("worker started", metadata: ["worker_index": "\(index)", "worker_pid": "\(pid)"])
                    self.pending += self.supervisor.workerSpawned(index: index, pid: pid, now: now)
                } catch {
                    self.heartbeatSlots.giveBack(heartbeatSlot)
                    if let metricsSlot { self.observed.aggregator?.reclaim(slot: metricsSlot) }
                    self.logger.error("cannot start worker", metadata: ["worker_index": "\(index)", "error": "\(error)"])
                    self.pending += self.supervisor.spawnFailed(index: index, now: now)
                }
            case .signal(let pid, let signal):
                kill(pid, signal)
            case .retire(let pid, let successor):
                _ = cswiftcorn_sigqueue(pid, SIGTERM, successor)
            case .report(let exit):
                self.report(exit)
            case .exit(let code):
                self.hooks.onExit?()
                self.logger.info("master stopped", metadata: ["exit_status": "\(code)"])
                return code
            }
        }
        return nil
    }

    /// Reaps every child that has ended; a worker's counters move to the retired totals.
    mutating func reapChildren(now: ContinuousClock.Instant) {
        while true {
            var status: Int32 = 0
            var usage = rusage()
            let pid = wait4(-1, &status, WNOHANG, &usage)
            guard pid > 0 else { break }
            if self.successorExited(pid: pid, status: ProcessExitStatus(waitStatus: status)) { continue }
            if self.spawner.forkServer?.exited(pid: pid, status: ProcessExitStatus(waitStatus: status)) == true { continue }
            self.observed.aggregator?.retire(pid: pid, cpuSeconds: usage.cpuSeconds)
            self.heartbeatSlots.release(pid: pid)
            self.pending += self.supervisor.childExited(pid: pid, status: ProcessExitStatus(waitStatus: status), now: now)
        }
    }

    /// Logs and counts a worker's end with its reason.
    func report(_ exit: WorkerSupervisor.WorkerExit) {
        self.observed.stats.workerExited(pid: exit.pid, index: exit.index, reason: exit.reason)
        self.hooks.childExit?(WorkerExitSummary(workerIndex: exit.index, pid: exit.pid, reason: exit.reason.rawValue, status: "\(exit.status)"))
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

extension rusage {
    /// User plus system time.
    var cpuSeconds: Double {
        Double(self.ru_utime.tv_sec + self.ru_stime.tv_sec) + Double(self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6
    }
}
