import CSwiftcornSystem
import Logging
import SwiftcornConfig
import SwiftcornHTTP
import SwiftcornMetrics
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// The master process: binds the sockets, keeps the worker slots filled and turns signals into
/// lifecycle changes.
///
/// It sets up what the master owns (sockets, pidfile, control pipe, heartbeat region) and hands
/// them to a ``MasterLoop``, which runs on the main thread until the master stops.
public struct Arbiter {
    let configuration: ServerConfiguration
    let reloader: ConfigurationReloader
    let executablePath: String
    let processName: String
    let version: String
    let hooks: ServerHooks
    /// The command line, for the new master of a binary upgrade.
    let arguments: [String]
    let logger: Logger

    /// The signals the master handles.
    static let handledSignals: [Int32] = [SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2]

    /// Creates a master for `configuration` that spawns `executablePath` as its workers and
    /// re-reads its configuration with `reloader`.
    public init(
        configuration: ServerConfiguration,
        reloader: ConfigurationReloader,
        executablePath: String,
        processName: String,
        version: String,
        hooks: ServerHooks = ServerHooks(),
        arguments: [String] = CommandLine.arguments,
        logger: Logger
    ) {
        self.hooks = hooks
        self.arguments = arguments
        self.configuration = configuration
        self.reloader = reloader
        self.executablePath = executablePath
        self.processName = processName
        self.version = version
        self.logger = logger
    }

    /// Runs until the master is stopped; returns the process exit status.
    ///
    /// Must be called before the process starts any other thread, so that every thread inherits
    /// the blocked signal mask the signalfd depends on.
    public func run() -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        self.hooks.onStarting?()
        let predecessor = getenv(UpgradeEnvironment.oldMasterPID).flatMap { pid_t(String(cString: $0)) }
        unsetenv(UpgradeEnvironment.oldMasterPID)
        guard let sockets = self.listeningSockets() else { return 1 }
        // After a binary upgrade the new master owns the sockets, and their files.
        var handedOver = false
        defer {
            for socket in sockets {
                if handedOver { socket.closeKeepingFile() } else { socket.closeAndUnlink() }
            }
        }
        let pidFile = self.configuration.pidfile.map(PidFile.init(path:))
        if let pidFile, !pidFile.write() {
            self.logger.critical("cannot write the pidfile", metadata: ["file": "\(pidFile.path)", "errno": "\(errno)"])
            return 1
        }
        defer {
            pidFile?.remove()
            if handedOver, let pidFile { PidFile(path: pidFile.path + ".oldbin").remove() }
        }
        do {
            let signals = try SignalDescriptor(signals: Self.handledSignals)
            let control = try ControlPipe()
            let heartbeats = try HeartbeatRegion.create(slots: WorkerEnvironment.heartbeatSlots)
            let stats = MasterStats()
            let aggregator = try self.configuration.metrics.bind.map { _ in try MetricsAggregator(region: MetricsRegion.create()) }
            guard let sidePort = self.startSidePort(aggregator: aggregator, stats: stats, heartbeats: heartbeats, upgrading: predecessor != nil)
            else { return 1 }
            defer { sidePort?.stop() }
            var loop = MasterLoop(
                configuration: self.configuration,
                reloader: self.reloader,
                logger: self.logger,
                // Built in place: a local would keep the first fork server alive past a reload.
                spawner: WorkerSpawner(
                    executablePath: self.executablePath,
                    sockets: sockets,
                    configuration: self.configuration,
                    processName: self.processName,
                    controlDescriptor: control.writeDescriptor,
                    heartbeats: heartbeats,
                    metrics: aggregator?.region,
                    logger: self.logger
                ),
                signals: signals,
                control: control,
                heartbeats: heartbeats,
                observed: MasterObservation(aggregator: aggregator, stats: stats, statsd: self.startStatsd()),
                hooks: self.hooks,
                arguments: self.arguments,
                predecessor: predecessor,
                sidePort: sidePort
            )
            let status = loop.run()
            loop.spawner.forkServer?.stop()
            handedOver = loop.successor != nil
            return status
        } catch {
            self.logger.critical("cannot set up the master", metadata: ["error": "\(error)"])
            return 1
        }
    }
}
