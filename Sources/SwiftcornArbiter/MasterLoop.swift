import Logging
import SwiftcornConfig
import SwiftcornHTTP
import SwiftcornMetrics
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
    let heartbeats: HeartbeatRegion
    /// The heartbeat slot of each worker process.
    var heartbeatSlots = HeartbeatSlots(count: WorkerEnvironment.heartbeatSlots)
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
        heartbeats: HeartbeatRegion,
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
        self.heartbeats = heartbeats
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
