import CSwiftcornSystem
import Logging
import SwiftcornConfig
import SwiftcornLogging
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// The master process: binds the sockets, keeps the worker slots filled and turns signals into
/// lifecycle changes.
///
/// It runs on the main thread in a `poll` loop over a signalfd. Every call it makes is
/// non-blocking (`waitpid` with `WNOHANG`, `kill`, `posix_spawn`), so no single worker can stall it.
public struct Arbiter {
    private let configuration: ServerConfiguration
    private let reloader: ConfigurationReloader
    private let executablePath: String
    private let processName: String
    private let logger: Logger

    /// The signals the master handles.
    static let handledSignals: [Int32] = [SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2]

    /// Creates a master for `configuration` that spawns `executablePath` as its workers and
    /// re-reads its configuration with `reloader`.
    public init(
        configuration: ServerConfiguration,
        reloader: ConfigurationReloader,
        executablePath: String,
        processName: String,
        logger: Logger
    ) {
        self.configuration = configuration
        self.reloader = reloader
        self.executablePath = executablePath
        self.processName = processName
        self.logger = logger
    }

    /// Runs until the master is stopped; returns the process exit status.
    ///
    /// Must be called before the process starts any other thread, so that every thread inherits
    /// the blocked signal mask the signalfd depends on.
    public func run() -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let signals: SignalDescriptor
        do {
            signals = try SignalDescriptor(signals: Self.handledSignals)
        } catch {
            self.logger.critical("cannot set up signal handling", metadata: ["error": "\(error)"])
            return 1
        }
        var sockets: [ListeningSocket] = []
        if let activated = ListeningSocket.inherited() {
            // Socket activation: systemd bound them; -b addresses are not used.
            sockets = activated
            self.logger.info(
                "listening on sockets passed by systemd",
                metadata: ["count": "\(activated.count)", "names": "\(activated.compactMap(\.activationName).joined(separator: ","))"]
            )
        }
        let addressesToBind = sockets.isEmpty ? self.configuration.binds : []
        for address in addressesToBind {
            do {
                sockets.append(try ListeningSocket.bind(address, backlog: self.configuration.backlog))
                self.logger.info("listening", metadata: ["address": "\(address)"])
            } catch {
                self.logger.critical("cannot listen", metadata: ["address": "\(address)", "error": "\(error)"])
                for socket in sockets { socket.closeAndUnlink() }
                return 1
            }
        }
        defer {
            for socket in sockets { socket.closeAndUnlink() }
        }
        let pidFile = self.configuration.pidfile.map(PidFile.init(path:))
        if let pidFile, !pidFile.write() {
            self.logger.critical("cannot write the pidfile", metadata: ["file": "\(pidFile.path)", "errno": "\(errno)"])
            return 1
        }
        defer { pidFile?.remove() }

        var control: ControlPipe
        do {
            control = try ControlPipe()
        } catch {
            self.logger.critical("cannot create the control pipe", metadata: ["error": "\(error)"])
            return 1
        }
        let heartbeats: HeartbeatRegion
        do {
            heartbeats = try HeartbeatRegion.create(slots: WorkerEnvironment.heartbeatSlots)
        } catch {
            self.logger.critical("cannot create the heartbeat region", metadata: ["error": "\(error)"])
            return 1
        }
        var configuration = self.configuration
        var spawner = WorkerSpawner(
            executablePath: self.executablePath,
            sockets: sockets,
            configurationJSON: ConfigurationCoding.encode(self.configuration),
            processName: self.processName,
            controlDescriptor: control.writeDescriptor,
            heartbeats: heartbeats,
            threads: self.configuration.threads
        )
        var supervisor = WorkerSupervisor(workers: self.configuration.workers, gracefulTimeout: self.configuration.gracefulTimeout)
        self.logger.info(
            "master started",
            metadata: ["workers": "\(self.configuration.workers)"]
        )
        var rotator = LogRotator(logging: self.configuration.logging)
        var reloadQueued = false
        var notifier = SystemdNotifier()
        var readySlots = Set<Int>()
        var readySent = false
        var reloadingNotified = false
        var pending = supervisor.start()
        while true {
            if let code = self.perform(&pending, supervisor: &supervisor, spawner: spawner) {
                return code
            }
            // Heartbeats are checked at least every 250 ms.
            var timeout = min(Self.pollTimeout(until: supervisor.nextDeadline), 250, notifier.pollLimit())
            if rotator.isActive {
                // Size checks are a stat per file: a quarter second bounds the overshoot cheaply.
                timeout = min(timeout, 250)
            }
            let (signalReady, controlReady) = Self.poll(signals.fileDescriptor, control.readDescriptor, timeout: timeout)
            let signal = signalReady ? signals.read() : nil
            let now = ContinuousClock.now
            if controlReady {
                for message in control.readMessages() {
                    switch message {
                    case .ready(let index, let pid):
                        pending += supervisor.workerReady(index: index, pid: pid)
                        readySlots.insert(index)
                    case .retire(let index, let pid):
                        self.logger.info(
                            "worker served its max_requests; replacing it",
                            metadata: ["worker_index": "\(index)", "worker_pid": "\(pid)"]
                        )
                        pending += supervisor.workerRetiring(index: index, pid: pid)
                    }
                }
            }
            switch signal {
            case SIGTERM, SIGINT:
                self.logger.info("graceful stop requested", metadata: ["signal": "\(ProcessExitStatus.signalName(signal!))"])
                notifier.send("STOPPING=1")
                pending += supervisor.stopRequested(graceful: true, now: now)
            case SIGQUIT:
                self.logger.info("fast stop requested", metadata: ["signal": "SIGQUIT"])
                notifier.send("STOPPING=1")
                pending += supervisor.stopRequested(graceful: false, now: now)
            case SIGHUP where supervisor.reloadInProgress:
                // A reload during a reload is not lost: it runs once the current one is done.
                reloadQueued = true
                self.logger.info("reload queued behind the one in progress")
            case SIGHUP:
                notifier.reloading()
                reloadingNotified = true
                pending += self.reload(&configuration, spawner: &spawner, rotator: &rotator, supervisor: &supervisor)
            case SIGTTIN:
                pending += supervisor.scaleUp()
                self.logger.info("adding a worker", metadata: ["workers": "\(supervisor.desiredWorkers)"])
            case SIGTTOU:
                let actions = supervisor.scaleDown(now: now)
                pending += actions
                self.logger.info(
                    actions.isEmpty ? "not removing the last worker" : "removing a worker",
                    metadata: ["workers": "\(supervisor.desiredWorkers)"]
                )
            case SIGUSR1:
                // An outside tool (logrotate) moved the files: everyone writes to new ones.
                self.logger.info("reopening log files", metadata: ["signal": "SIGUSR1"])
                self.reopenLogs(supervisor.runningWorkers.map(\.pid))
            case .some(let other) where other != SIGCHLD:
                self.logger.warning("signal not handled yet", metadata: ["signal": "\(ProcessExitStatus.signalName(other))"])
            default:
                break
            }
            // Standard signals coalesce, so every wake-up reaps every child that has ended.
            pending += self.reap(&supervisor, now: now)
            pending += supervisor.tick(now: now)
            pending += self.checkHeartbeats(heartbeats, timeout: configuration.timeout, supervisor: &supervisor, now: now)
            if reloadQueued && !supervisor.reloadInProgress {
                reloadQueued = false
                pending += self.reload(&configuration, spawner: &spawner, rotator: &rotator, supervisor: &supervisor)
            }
            // READY=1 once every slot has a worker that accepts; again after each reload.
            if !readySent && readySlots.count >= supervisor.desiredWorkers {
                readySent = true
                notifier.send("READY=1")
            } else if reloadingNotified && !supervisor.reloadInProgress && !reloadQueued {
                reloadingNotified = false
                notifier.send("READY=1")
            }
            let desired = supervisor.desiredWorkers
            let alive = supervisor.runningWorkers.count
            notifier.tick(now: now) { "\(alive) workers (\(desired) desired)" }
            if rotator.isActive {
                let rotated = rotator.rotateDue()
                if !rotated.isEmpty {
                    self.logger.info("log files rotated", metadata: ["files": "\(rotated.joined(separator: ","))"])
                    self.reopenLogs(supervisor.runningWorkers.map(\.pid))
                }
                rotator.compressReleased(writers: supervisor.runningWorkers.map(\.pid) + [getpid()]) { path in
                    Self.spawnCompression(of: path, logger: self.logger)
                }
            }
        }
    }

    /// HUP: re-reads every source. A bad configuration changes nothing and every mistake is
    /// logged; a good one is applied (logging, timeouts, worker count) and the workers are rolled
    /// onto it, new ones accepting before old ones stop. Listening addresses stay as they are:
    /// new sockets need a restart or a binary upgrade.
    private func reload(
        _ configuration: inout ServerConfiguration,
        spawner: inout WorkerSpawner,
        rotator: inout LogRotator,
        supervisor: inout WorkerSupervisor
    ) -> [WorkerSupervisor.Action] {
        var resolved: ResolvedConfiguration
        switch self.reloader.reload() {
        case .failure(let errors):
            for error in errors.errors {
                self.logger.error("reload refused: configuration error", metadata: ["error": "\(error)"])
            }
            return []
        case .success(let value):
            resolved = value
        }
        if resolved.configuration.binds != configuration.binds {
            self.logger.warning("bind addresses changed; they take effect on a restart", metadata: ["kept": "\(configuration.binds)"])
            resolved.configuration.binds = configuration.binds
        }
        configuration = resolved.configuration
        spawner = spawner.with(configuration: configuration)
        ErrorLog.configure(
            writer: configuration.logging.makeErrorWriter(worker: 0),
            worker: 0,
            level: Logger.Level(rawValue: configuration.logLevel.rawValue) ?? .info
        )
        rotator = LogRotator(logging: configuration.logging)
        self.logger.info("reloading: rolling the workers onto the new configuration", metadata: ["workers": "\(configuration.workers)"])
        return supervisor.beginReload(workers: configuration.workers, gracefulTimeout: configuration.gracefulTimeout)
    }

    /// Aborts workers whose heartbeat is older than `timeout`: SIGABRT lets a worker log what it
    /// was doing; ``WorkerSupervisor`` escalates to SIGKILL if it does not die.
    private func checkHeartbeats(
        _ heartbeats: HeartbeatRegion,
        timeout: Duration,
        supervisor: inout WorkerSupervisor,
        now: ContinuousClock.Instant
    ) -> [WorkerSupervisor.Action] {
        let limit = UInt64(timeout.components.seconds) * 1_000_000_000 + UInt64(timeout.components.attoseconds / 1_000_000_000)
        guard limit > 0 else { return [] }
        var actions: [WorkerSupervisor.Action] = []
        for (index, pid) in supervisor.heartbeatWatched {
            let age = heartbeats.age(index: index)
            guard age > limit else { continue }
            self.logger.critical(
                "worker timeout",
                metadata: ["worker_index": "\(index)", "worker_pid": "\(pid)", "heartbeat_age_s": "\(Double(age) / 1e9)"]
            )
            actions += supervisor.workerTimedOut(pid: pid, now: now)
        }
        return actions
    }

    /// Reopens the master's own log files and tells every worker to reopen theirs.
    private func reopenLogs(_ workers: [pid_t]) {
        ErrorLog.writer.reopen()
        for worker in workers {
            kill(worker, SIGUSR1)
        }
    }

    /// Compresses a rotated file with `gzip` in a child process: the master never blocks on it,
    /// and the reaper ignores the child, which is no worker.
    private static func spawnCompression(of path: String, logger: Logger) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        cswiftcorn_spawn_file_actions_addclosefrom(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let result = CStringArray.with(["gzip", "-f", path]) { argv in
            posix_spawnp(&pid, "gzip", &actions, &attributes, argv, cswiftcorn_environ())
        }
        if result != 0 {
            logger.error("cannot compress rotated log file", metadata: ["file": "\(path)", "errno": "\(result)"])
        }
    }

    private func perform(
        _ actions: inout [WorkerSupervisor.Action],
        supervisor: inout WorkerSupervisor,
        spawner: WorkerSpawner
    ) -> Int32? {
        while !actions.isEmpty {
            let action = actions.removeFirst()
            switch action {
            case .spawn(let index):
                let now = ContinuousClock.now
                do {
                    let pid = try spawner.spawn(index: index)
                    self.logger.info("worker started", metadata: ["worker_index": "\(index)", "worker_pid": "\(pid)"])
                    actions += supervisor.workerSpawned(index: index, pid: pid, now: now)
                } catch {
                    self.logger.error("cannot start worker", metadata: ["worker_index": "\(index)", "error": "\(error)"])
                    actions += supervisor.spawnFailed(index: index, now: now)
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

    private func reap(_ supervisor: inout WorkerSupervisor, now: ContinuousClock.Instant) -> [WorkerSupervisor.Action] {
        var actions: [WorkerSupervisor.Action] = []
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { break }
            actions += supervisor.childExited(pid: pid, status: ProcessExitStatus(waitStatus: status), now: now)
        }
        return actions
    }

    private func report(_ exit: WorkerSupervisor.WorkerExit) {
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
