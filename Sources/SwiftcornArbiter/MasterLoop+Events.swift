import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

extension MasterLoop {
    /// Acts on a signal the master received.
    mutating func handle(signal: Int32, now: ContinuousClock.Instant) {
        switch signal {
        case SIGTERM, SIGINT:
            self.logger.info("graceful stop requested", metadata: ["signal": "\(ProcessExitStatus.signalName(signal))"])
            self.notifier.send("STOPPING=1")
            self.pending += self.supervisor.stopRequested(graceful: true, now: now)
        case SIGQUIT where self.successor != nil:
            // After a binary upgrade QUIT hands over: the workers finish what they serve.
            self.logger.info("stopping gracefully: a new master serves", metadata: ["signal": "SIGQUIT", "new_master_pid": "\(self.successor!)"])
            self.pending += self.supervisor.stopRequested(graceful: true, now: now)
        case SIGQUIT:
            self.logger.info("fast stop requested", metadata: ["signal": "SIGQUIT"])
            self.notifier.send("STOPPING=1")
            self.pending += self.supervisor.stopRequested(graceful: false, now: now)
        case SIGHUP where self.supervisor.reloadInProgress:
            // A reload during a reload is not lost: it runs once the current one is done.
            self.reloadQueued = true
            self.logger.info("reload queued behind the one in progress")
        case SIGHUP:
            self.reload()
        case SIGTTIN:
            let old = self.supervisor.desiredWorkers
            self.pending += self.supervisor.scaleUp()
            self.hooks.workersChanged?(self.supervisor.desiredWorkers, old)
            self.logger.info("adding a worker", metadata: ["workers": "\(self.supervisor.desiredWorkers)"])
        case SIGTTOU:
            let old = self.supervisor.desiredWorkers
            let actions = self.supervisor.scaleDown(now: now)
            if self.supervisor.desiredWorkers != old {
                self.hooks.workersChanged?(self.supervisor.desiredWorkers, old)
            }
            self.pending += actions
            self.logger.info(
                actions.isEmpty ? "not removing the last worker" : "removing a worker",
                metadata: ["workers": "\(self.supervisor.desiredWorkers)"]
            )
        case SIGUSR1:
            // An outside tool (logrotate) moved the files: everyone writes to new ones.
            self.logger.info("reopening log files", metadata: ["signal": "SIGUSR1"])
            self.reopenLogs()
        case SIGUSR2:
            self.startUpgrade()
        case SIGCHLD:
            break
        default:
            self.logger.warning("signal not handled yet", metadata: ["signal": "\(ProcessExitStatus.signalName(signal))"])
        }
    }

    /// Acts on what workers wrote to the control pipe.
    mutating func handleControlMessages() {
        for message in self.control.readMessages() {
            switch message {
            case .ready(let index, let pid):
                self.pending += self.supervisor.workerReady(index: index, pid: pid)
                self.readySlots.insert(index)
            case .retire(let index, let pid):
                self.logger.info("worker served its max_requests; replacing it", metadata: ["worker_index": "\(index)", "worker_pid": "\(pid)"])
                self.pending += self.supervisor.workerRetiring(index: index, pid: pid)
            }
        }
    }

    /// READY=1 once every slot has a worker that accepts, and again after each reload; then the
    /// watchdog and status lines that are due.
    mutating func notifySystemd(now: ContinuousClock.Instant) {
        if !self.readySent && self.readySlots.count >= self.supervisor.desiredWorkers {
            self.readySent = true
            self.notifier.send("READY=1")
            self.hooks.whenReady?()
            self.notifyOldMaster()
        } else if self.reloadingNotified && !self.supervisor.reloadInProgress && !self.reloadQueued {
            self.reloadingNotified = false
            self.notifier.send("READY=1")
        }
        let desired = self.supervisor.desiredWorkers
        let alive = self.supervisor.runningWorkers.count
        self.notifier.tick(now: now) { "\(alive) workers (\(desired) desired)" }
    }
}
