import CSwiftcornSystem
import Logging
import SwiftcornApp
import SwiftcornConfig
import SwiftcornLogging
import SwiftcornMetrics
import SwiftcornSidePort
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// The master's `poll` loop over its signalfd and the workers' control pipe, and the state it
/// keeps between wake-ups.
///
/// Every call it makes is non-blocking (`waitpid` with `WNOHANG`, `kill`, `posix_spawn`), so no
/// single worker can stall it; the one wait is a fork server's answer, bounded by
/// `ForkServerConnection.answerTimeout`. Confined to the main thread.
struct MasterLoop: ~Copyable {
    var configuration: ServerConfiguration
    let reloader: ConfigurationReloader
    let logger: Logger
    var spawner: WorkerSpawner
    let signals: SignalDescriptor
    var control: ControlPipe
    var supervisor: WorkerSupervisor
    var rotator: LogRotator
    var notifier = SystemdNotifier()
    /// Metrics and stats the side port serves.
    let observed: MasterObservation
    /// The app's master hooks.
    let hooks: ServerHooks
    /// The master's command line, for the new master of a binary upgrade.
    let arguments: [String]
    /// The new master a binary upgrade started, while it runs.
    var successor: pid_t?
    /// The old master, when this one was started by a binary upgrade.
    let predecessor: pid_t?
    /// The side port, if configured; retried while it does not listen yet (binary upgrade).
    let sidePort: SidePort?
    /// When the side port's bind is tried next.
    var sidePortRetryAt = ContinuousClock.now
    /// Actions the supervisor returned that are still to be performed.
    var pending: [WorkerSupervisor.Action] = []
    /// The slot each live worker stamps, the loop's own copy of the lender's: the heartbeat check
    /// reads the region through it without the lock a scrape holds while it sums the slots.
    var heartbeatSlots: [pid_t: Int] = [:]
    /// Slots whose worker has reported ready at least once, for systemd's first READY=1.
    var readySlots = Set<Int>()
    var readySent = false
    /// RELOADING=1 was sent; READY=1 follows when the reload is done.
    var reloadingNotified = false
    /// A HUP arrived during a reload.
    var reloadQueued = false

    init(
        configuration: ServerConfiguration,
        reloader: ConfigurationReloader,
        logger: Logger,
        spawner: WorkerSpawner,
        signals: consuming SignalDescriptor,
        control: consuming ControlPipe,
        observed: MasterObservation,
        hooks: ServerHooks,
        arguments: [String],
        predecessor: pid_t?,
        sidePort: SidePort?
    ) {
        self.sidePort = sidePort
        self.arguments = arguments
        self.predecessor = predecessor
        self.observed = observed
        self.hooks = hooks
        self.configuration = configuration
        self.reloader = reloader
        self.logger = logger
        self.spawner = spawner
        self.signals = signals
        self.control = control
        self.supervisor = WorkerSupervisor(workers: configuration.workers, gracefulTimeout: configuration.gracefulTimeout)
        self.rotator = LogRotator(logging: configuration.logging)
        if self.rotator.isActive {
            observed.stats.watchRotations(of: self.rotator.paths)
        }
    }

    /// Runs until the master stops; returns its exit status.
    mutating func run() -> Int32 {
        self.logger.info("master started", metadata: ["workers": "\(self.configuration.workers)"])
        self.pending = self.supervisor.start()
        while true {
            if let code = self.performPending() {
                return code
            }
            // Heartbeats and log sizes are checked at least every 250 ms.
            let timeout = min(Self.pollTimeout(until: self.supervisor.nextDeadline), 250, self.notifier.pollLimit())
            let (signalReady, controlReady) = Self.poll(self.signals.fileDescriptor, self.control.readDescriptor, timeout: timeout)
            let now = ContinuousClock.now
            if controlReady {
                self.handleControlMessages()
            }
            if signalReady, let signal = self.signals.read() {
                self.handle(signal: signal, now: now)
            }
            // Standard signals coalesce, so every wake-up reaps every child that has ended.
            self.reapChildren(now: now)
            self.pending += self.supervisor.tick(now: now)
            self.checkHeartbeats(now: now)
            if self.reloadQueued && !self.supervisor.reloadInProgress {
                self.reloadQueued = false
                self.reload()
            }
            self.notifySystemd(now: now)
            self.rotateLogs()
            self.retrySidePort(now: now)
            self.observed.stats.update(
                desired: self.supervisor.desiredWorkers,
                serving: self.supervisor.heartbeatWatched,
                timeout: self.configuration.timeout
            )
            self.observed.stats.sample(workers: self.supervisor.runningWorkers.map(\.pid), now: now)
            self.observed.statsd?.gauge(StatsdMetricNames.workers, Double(self.supervisor.runningWorkers.count))
        }
    }

    /// Waits for the signalfd or the control pipe; which of them is readable.
    static func poll(_ signalDescriptor: Int32, _ controlDescriptor: Int32, timeout: Int32) -> (signal: Bool, control: Bool) {
        var descriptors = [
            pollfd(fd: signalDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: controlDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        guard Glibc.poll(&descriptors, 2, timeout) > 0 else { return (false, false) }
        return (descriptors[0].revents & Int16(POLLIN) != 0, descriptors[1].revents & Int16(POLLIN) != 0)
    }

    /// Milliseconds until `deadline`, at most one second so the loop keeps checking in.
    static func pollTimeout(until deadline: ContinuousClock.Instant?) -> Int32 {
        guard let deadline else { return 1000 }
        let remaining = deadline - .now
        guard remaining > .zero else { return 0 }
        return Int32(min(1000, remaining.milliseconds + 1))
    }
}

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
                // A message the supervisor refused (no such slot, or not its worker) counts for nothing.
                if self.supervisor.isReady(index: index, pid: pid) {
                    self.readySlots.insert(index)
                }
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

extension MasterLoop {
    /// Carries out the pending actions (which may add more); the exit status once the master
    /// must stop.
    mutating func performPending() -> Int32? {
        while !self.pending.isEmpty {
            let action = self.pending.removeFirst()
            switch action {
            case .spawn(let index):
                let now = ContinuousClock.now
                guard let slot = self.observed.slots.lend(workerIndex: index) else {
                    self.logger.error("cannot start worker: every worker slot is taken", metadata: ["worker_index": "\(index)"])
                    self.pending += self.supervisor.spawnFailed(index: index, now: now)
                    continue
                }
                do {
                    let pid = try self.spawner.spawn(index: index, slot: slot)
                    self.observed.slots.attach(slot: slot, pid: pid)
                    self.heartbeatSlots[pid] = slot
                    self.observed.stats.workerStarted(index: index, pid: pid, slot: slot)
                    self.logger.info("worker started", metadata: ["worker_index": "\(index)", "worker_pid": "\(pid)"])
                    self.pending += self.supervisor.workerSpawned(index: index, pid: pid, now: now)
                } catch {
                    self.observed.slots.reclaim(slot: slot)
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
            self.observed.slots.retire(pid: pid, cpuSeconds: usage.cpuSeconds)
            self.heartbeatSlots[pid] = nil
            self.pending += self.supervisor.childExited(pid: pid, status: ProcessExitStatus(waitStatus: status), now: now)
        }
    }

    /// Logs and counts a worker's end with its reason.
    func report(_ exit: WorkerSupervisor.WorkerExit) {
        self.observed.stats.workerExited(pid: exit.pid, index: exit.index, reason: exit.reason)
        self.hooks.childExit?(WorkerExitSummary(workerIndex: exit.index, pid: exit.pid, reason: exit.reason, status: "\(exit.status)"))
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
        guard let sidePort = self.sidePort, !sidePort.isListening, now >= self.sidePortRetryAt else { return }
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

extension MasterLoop {
    /// Aborts workers whose heartbeat is older than `timeout`: SIGABRT lets a worker log what it
    /// was doing; ``WorkerSupervisor`` escalates to SIGKILL if it does not die.
    mutating func checkHeartbeats(now: ContinuousClock.Instant) {
        let timeout = self.configuration.timeout
        let limit = UInt64(timeout.components.seconds) * 1_000_000_000 + UInt64(timeout.components.attoseconds / 1_000_000_000)
        for (index, pid) in self.supervisor.heartbeatWatched {
            guard let slot = self.heartbeatSlots[pid], case let age = self.observed.slots.heartbeatAge(ofSlot: slot), age > limit else {
                continue
            }
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

/// What the master's loop records for the side port: the worker slots (heartbeats, metrics) and
/// the master's own stats.
struct MasterObservation: Sendable {
    let slots: WorkerSlots
    let stats: MasterStats
    /// The master's statsd client (the `workers` gauge, its `log.*` counts), when configured.
    let statsd: StatsdClient?
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Seconds as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
