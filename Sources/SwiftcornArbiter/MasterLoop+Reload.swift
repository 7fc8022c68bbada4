import Logging
import SwiftcornConfig
import SwiftcornLogging

extension MasterLoop {
    /// HUP: re-reads every source. A bad configuration changes nothing and every mistake is
    /// logged; a good one is applied (logging, timeouts, worker count) and the workers are rolled
    /// onto it, new ones accepting before old ones stop. Listening addresses stay as they are:
    /// new sockets need a restart or a binary upgrade.
    mutating func reload() {
        self.notifier.reloading()
        self.reloadingNotified = true
        var resolved: ResolvedConfiguration
        switch self.reloader.reload() {
        case .failure(let errors):
            for error in errors.errors {
                self.logger.error("reload refused: configuration error", metadata: ["error": "\(error)"])
            }
            return
        case .success(let value):
            resolved = value
        }
        if resolved.configuration.binds != self.configuration.binds {
            self.logger.warning(
                "bind addresses changed; they take effect on a restart",
                metadata: ["kept": "\(self.configuration.binds)"]
            )
            resolved.configuration.binds = self.configuration.binds
        }
        let oldWorkers = self.supervisor.desiredWorkers
        self.configuration = resolved.configuration
        self.observed.stats.reloaded()
        self.hooks.onReload?()
        self.spawner.forkServer?.release()
        self.spawner = self.spawner.with(configuration: self.configuration)
        ErrorLog.configure(
            writer: self.configuration.logging.makeErrorWriter(worker: 0),
            worker: 0,
            level: Logger.Level(rawValue: self.configuration.logLevel.rawValue) ?? .info
        )
        self.rotator = LogRotator(logging: self.configuration.logging)
        if self.rotator.isActive {
            self.observed.stats.watchRotations(of: self.rotator.paths)
        }
        self.logger.info(
            "reloading: rolling the workers onto the new configuration",
            metadata: ["workers": "\(self.configuration.workers)"]
        )
        self.pending += self.supervisor.beginReload(
            workers: self.configuration.workers,
            gracefulTimeout: self.configuration.gracefulTimeout
        )
        if self.configuration.workers != oldWorkers {
            self.hooks.workersChanged?(self.configuration.workers, oldWorkers)
        }
    }
}
