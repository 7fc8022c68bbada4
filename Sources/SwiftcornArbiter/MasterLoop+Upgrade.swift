import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

extension MasterLoop {
    /// USR2: starts a new master on the same sockets. The pidfile becomes `PIDFILE.oldbin` so the
    /// new master can write `PIDFILE`; this master keeps serving until it is told to stop.
    mutating func startUpgrade() {
        if let successor = self.successor {
            self.logger.warning("binary upgrade already in progress", metadata: ["new_master_pid": "\(successor)"])
            return
        }
        if let pidfile = self.configuration.pidfile {
            rename(pidfile, pidfile + ".oldbin")
        }
        do {
            let pid = try MasterSuccessor.spawn(
                executablePath: self.spawner.executablePath,
                arguments: self.arguments,
                sockets: self.spawner.sockets
            )
            self.successor = pid
            self.logger.info(
                "binary upgrade: new master started; send QUIT or TERM here once it serves",
                metadata: ["new_master_pid": "\(pid)", "binary": "\(self.spawner.executablePath)"]
            )
        } catch {
            self.restorePidFile()
            self.logger.error("binary upgrade failed: cannot start the new master", metadata: ["error": "\(error)"])
        }
    }

    /// A reaped child was the new master: the upgrade failed, this master stays in charge.
    mutating func successorExited(pid: pid_t, status: ProcessExitStatus) -> Bool {
        guard pid == self.successor else { return false }
        self.successor = nil
        self.restorePidFile()
        self.logger.error(
            "binary upgrade failed: the new master exited; this master stays",
            metadata: ["new_master_pid": "\(pid)", "status": "\(status)"]
        )
        return true
    }

    /// Gives `PIDFILE` back to this master after a failed upgrade.
    private func restorePidFile() {
        guard let pidfile = self.configuration.pidfile else { return }
        rename(pidfile + ".oldbin", pidfile)
    }

    /// Binds the side port once the old master has released it (binary upgrade).
    mutating func retrySidePort(now: ContinuousClock.Instant) {
        guard let sidePort = self.sidePort, sidePort.server == nil, now >= self.sidePortRetryAt else { return }
        self.sidePortRetryAt = now + .seconds(1)
        if (try? sidePort.start()) != nil {
            self.logger.info("metrics side port listening", metadata: ["address": "\(sidePort.address)"])
        }
    }

    /// The new master of an upgrade is ready: with `upgrade_auto_stop`, it stops the old one.
    func notifyOldMaster() {
        guard let old = self.predecessor, self.configuration.upgradeAutoStop else { return }
        self.logger.info("binary upgrade: serving; stopping the old master", metadata: ["old_master_pid": "\(old)"])
        kill(old, SIGTERM)
    }
}
