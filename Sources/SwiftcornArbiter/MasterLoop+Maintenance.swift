import CSwiftcornSystem
import Logging
import SwiftcornLogging
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

extension MasterLoop {
    /// Aborts workers whose heartbeat is older than `timeout`: SIGABRT lets a worker log what it
    /// was doing; ``WorkerSupervisor`` escalates to SIGKILL if it does not die.
    mutating func checkHeartbeats(now: ContinuousClock.Instant) {
        let timeout = self.configuration.timeout
        let limit = UInt64(timeout.components.seconds) * 1_000_000_000 + UInt64(timeout.components.attoseconds / 1_000_000_000)
        guard limit > 0 else { return }
        for (index, pid) in self.supervisor.heartbeatWatched {
            guard let slot = self.heartbeatSlots.slot(of: pid) else { continue }
            let age = self.heartbeats.age(index: slot)
            guard age > limit else { continue }
            self.logger.critical(
                "worker timeout",
                metadata: ["worker_index": "\(index)", "worker_pid": "\(pid)", "heartbeat_age_s": "\(Double(age) / 1e9)"]
            )
            self.pending += self.supervisor.workerTimedOut(pid: pid, now: now)
        }
    }

    /// Rotates the log files that are due and compresses those no worker writes any more.
    mutating func rotateLogs() {
        guard self.rotator.isActive else { return }
        let rotated = self.rotator.rotateDue()
        if !rotated.isEmpty {
            self.observed.stats.rotated(rotated)
            self.logger.info("log files rotated", metadata: ["files": "\(rotated.joined(separator: ","))"])
            self.reopenLogs()
        }
        let logger = self.logger
        self.rotator.compressReleased(writers: self.supervisor.runningWorkers.map(\.pid) + [getpid()]) { path in
            Self.spawnCompression(of: path, logger: logger)
        }
    }

    /// Reopens the master's own log files and tells every worker to reopen theirs.
    func reopenLogs() {
        ErrorLog.writer.reopen()
        for (_, pid) in self.supervisor.runningWorkers {
            kill(pid, SIGUSR1)
        }
    }

    /// Compresses a rotated file with `gzip` in a child process: the master never blocks on it,
    /// and the reaper ignores the child, which is no worker.
    private static func spawnCompression(of path: String, logger: Logger) {
        do {
            let environment = ProcessEnvironment.current.map { "\($0.key)=\($0.value)" }
            _ = try ChildSpawn.start("gzip", searchPath: true, arguments: ["gzip", "-f", path], environment: environment) { actions in
                cswiftcorn_spawn_file_actions_addclosefrom(&actions, 3)
            }
        } catch {
            logger.error("cannot compress rotated log file", metadata: ["file": "\(path)", "error": "\(error)"])
        }
    }
}
