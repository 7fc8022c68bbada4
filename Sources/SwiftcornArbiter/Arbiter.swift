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

/// The master process: binds the sockets, keeps the worker slots filled and turns signals into
/// lifecycle changes.
///
/// It sets up what the master owns (sockets, pidfile, control pipe, worker-slot region) and hands
/// them to a ``MasterLoop``, which runs on the main thread until the master stops.
package struct Arbiter {
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
    package init(
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
    package func run() -> Int32 {
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
            let slots = try WorkerSlots(region: WorkerSlotRegion.create())
            let stats = MasterStats()
            guard let sidePort = self.startSidePort(slots: slots, stats: stats, upgrading: predecessor != nil) else { return 1 }
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
                    region: slots.region,
                    // Workers measure when the side port sums their metrics.
                    measured: sidePort != nil,
                    logger: self.logger
                ),
                signals: signals,
                control: control,
                observed: MasterObservation(slots: slots, stats: stats, statsd: self.startStatsd()),
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

extension Arbiter {
    /// The sockets systemd passed, or the `-b` addresses bound; `nil` (logged) when one cannot be.
    func listeningSockets() -> [ListeningSocket]? {
        if let handedOver = ListeningSocket.handedOver(binds: self.configuration.binds) {
            self.logger.info("binary upgrade: serving on the old master's sockets", metadata: ["count": "\(handedOver.count)"])
            return handedOver
        }
        if let activated = ListeningSocket.inherited() {
            self.logger.info(
                "listening on sockets passed by systemd",
                metadata: ["count": "\(activated.count)", "names": "\(activated.compactMap(\.activationName).joined(separator: ","))"]
            )
            return activated
        }
        var sockets: [ListeningSocket] = []
        for address in self.configuration.binds {
            do {
                sockets.append(try ListeningSocket.bind(address, backlog: self.configuration.backlog))
                self.logger.info("listening", metadata: ["address": "\(address)"])
            } catch {
                self.logger.critical("cannot listen", metadata: ["address": "\(address)", "error": "\(error)"])
                for socket in sockets { socket.closeAndUnlink() }
                return nil
            }
        }
        return sockets
    }
}

extension Arbiter {
    /// The side port when `metrics.bind` is set, listening; `nil` (after logging why) when it
    /// cannot start, which stops the master: a scraper would otherwise see a dead target and no
    /// reason. A master started by a binary upgrade retries instead: the old master holds the port.
    func startSidePort(slots: WorkerSlots, stats: MasterStats, upgrading: Bool) -> SidePort?? {
        guard let bind = self.configuration.metrics.bind else { return .some(nil) }
        var token: String?
        if let path = self.configuration.metrics.authTokenFile {
            guard let contents = Self.readToken(path) else {
                self.logger.critical(
                    "cannot read metrics.auth_token_file",
                    metadata: ["file": "\(path)", "fix": "make it readable by the master, or unset metrics.auth_token_file"]
                )
                return nil
            }
            token = contents
        }
        if token == nil, case .tcp(let host, _) = bind, !Self.isLoopback(host) {
            // /metrics and /stats name routes, workers and pids: not for everyone who can reach the host.
            self.logger.warning(
                "metrics side port listens beyond loopback without a token",
                metadata: [
                    "address": "\(bind)",
                    "fix": "set metrics.auth_token_file, or bind the side port to 127.0.0.1 and let a local agent scrape it",
                ]
            )
        }
        let routes = SidePortRoutes(
            metricsPath: self.configuration.metrics.path,
            authToken: token,
            slots: slots,
            stats: stats,
            version: self.version
        )
        let sidePort = SidePort(address: bind, routes: routes)
        do {
            try sidePort.start()
            let address = sidePort.localAddress ?? "\(bind)"
            self.logger.info("metrics side port listening", metadata: ["address": "\(address)", "path": "\(self.configuration.metrics.path)"])
        } catch  where upgrading {
            self.logger.info("metrics side port still held by the old master; retrying every second", metadata: ["address": "\(bind)"])
        } catch {
            self.logger.critical(
                "cannot listen on the metrics side port",
                metadata: ["address": "\(bind)", "error": "\(error)", "fix": "free the port, choose another with --metrics-bind, or set it to none"]
            )
            return nil
        }
        return .some(sidePort)
    }

    /// The master's statsd client, when configured; a bad address is logged and statsd stays off.
    func startStatsd() -> StatsdClient? {
        do {
            guard let statsd = try StatsdClient.start(for: self.configuration.statsd) else { return nil }
            ErrorLog.observeWarnings { level, carriesError in statsd.countLogRecord(level: level, carriesError: carriesError) }
            return statsd
        } catch {
            self.logger.error("statsd disabled: cannot set up the client", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Whether `host` (a numeric address) can only be reached from this machine.
    static func isLoopback(_ host: String) -> Bool {
        host.hasPrefix("127.") || host == "::1" || host.lowercased().hasPrefix("::ffff:127.")
    }

    /// The token in `path`, without surrounding whitespace; `nil` when unreadable or empty.
    private static func readToken(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = fread(&buffer, 1, buffer.count, file)
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        let token = text.split(whereSeparator: { $0.isWhitespace }).first.map(String.init)
        return token?.isEmpty == false ? token : nil
    }
}
