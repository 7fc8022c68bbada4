import CSwiftcornSystem
import Logging
import NIOCore
import NIOPosix
import SwiftcornApp
import SwiftcornConfig
import SwiftcornLogging
import SwiftcornMetrics
import SwiftcornSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The worker role: a process the master spawned to serve HTTP on the sockets it inherited.
///
/// Signals: TERM drains (stop accepting, finish in-flight requests, close idle connections,
/// exit 0), QUIT exits at once, INT is ignored (the master decides what a terminal's Ctrl-C
/// means and tells the workers).
public enum WorkerProcess {
    /// Whether this process was spawned as a worker.
    public static var isWorker: Bool {
        WorkerLaunch.startedAsWorker()
    }

    /// Runs the worker role until it is told to stop; never returns.
    ///
    /// `makeResponder` builds the application; when it throws, the worker exits with the
    /// boot-failure status and the master stops.
    public static func run(hooks: ServerHooks = ServerHooks(), makeResponder: (ServerConfiguration) throws -> any Responder) -> Never {
        Self.run(hooks: hooks, makeResponder: makeResponder, decoded: nil)
    }

    /// Runs the worker role with the configuration `decoded` already, when the fork server
    /// decoded it once for every worker it forks.
    static func run(
        hooks: ServerHooks,
        makeResponder: (ServerConfiguration) throws -> any Responder,
        decoded: ServerConfiguration?
    ) -> Never {
        // Records carry the worker index and pid themselves (ErrorLog knows them).
        let logger = Logger(label: "swiftcorn.worker")
        guard let launch = WorkerLaunch.current, let assignment = launch.assignment else {
            logger.critical("the master's launch variables are missing or malformed")
            Self.exitBootFailure()
        }
        let index = assignment.index

        signal(SIGPIPE, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        Self.shareOneMallocArena()
        let signals: SignalDescriptor
        do {
            // Before any thread exists: NIO's threads must inherit the blocked mask.
            signals = try SignalDescriptor(signals: [SIGTERM, SIGQUIT, SIGHUP, SIGUSR1, SIGABRT])
        } catch {
            logger.critical("cannot set up signal handling", metadata: ["error": "\(error)"])
            Self.exitBootFailure()
        }
        _ = cswiftcorn_set_parent_death_signal(SIGTERM)
        if getppid() != launch.masterPID {
            Self.leave(0)
        }

        let configuration: ServerConfiguration
        do {
            configuration = try decoded ?? ConfigurationCoding.decode(launch.settings)
        } catch {
            logger.critical("cannot read the configuration handed over by the master", metadata: ["error": "\(error)"])
            Self.exitBootFailure()
        }
        ErrorLog.configure(
            writer: configuration.logging.makeErrorWriter(worker: index),
            worker: index,
            level: Logger.Level(rawValue: configuration.logLevel.rawValue) ?? .info
        )
        let slot = Self.mapSlot(launch, logger: logger)

        NIOSingletons.groupLoopCountSuggestion = configuration.threads
        // Responders then run on the worker's event loops: no thread hop between the socket and the app.
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

        let instruments = Self.startInstruments(
            index: index,
            slot: assignment.measured ? slot : nil,
            configuration: configuration,
            logger: logger
        )
        let responder: any Responder
        do {
            responder = try makeResponder(configuration)
        } catch {
            logger.critical("application failed to start", metadata: ["error": "\(error)"])
            Self.exitBootFailure()
        }

        let accessLog = configuration.logging.makeAccessWriter(worker: index)
        let inFlight = InFlightRequests()
        let server: WorkerServer
        do {
            server = try WorkerServer.start(
                group: MultiThreadedEventLoopGroup.singleton,
                sockets: launch.descriptors.sockets,
                configuration: configuration,
                workerIndex: index,
                responder: responder,
                accessLog: accessLog,
                inFlight: inFlight,
                instruments: instruments,
                hooks: hooks,
                logger: logger
            )
        } catch {
            logger.critical("cannot serve on the inherited sockets", metadata: ["error": "\(error)"])
            Self.exitBootFailure()
        }
        logger.debug("worker serving", metadata: ["sockets": "\(launch.socketCount)"])
        if let slot {
            Self.startHeartbeat(slot: slot, group: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        }
        let counters = Self.exportCounters(instruments, accessLog: accessLog, loop: MultiThreadedEventLoopGroup.singleton.next())
        hooks.postWorkerInit?(index)
        // The master stops a worker this one replaces only once this one accepts.
        ControlMessage.ready(index: index, pid: getpid()).send()
        Self.superviseUntilStopped(
            server: server,
            signals: signals,
            workerIndex: index,
            masterPID: launch.masterPID,
            configuration: configuration,
            accessLog: accessLog,
            inFlight: inFlight,
            statsd: instruments.statsd,
            counters: counters,
            hooks: hooks,
            logger: logger
        )
    }

    /// Maps the slot the master lent this worker process; `nil` (after logging why) when it cannot.
    private static func mapSlot(_ launch: WorkerLaunch, logger: Logger) -> WorkerSlot? {
        guard let assignment = launch.assignment else { return nil }
        do {
            return try WorkerSlotRegion.mapSlot(fileDescriptor: launch.descriptors.slotRegion, number: assignment.slot)
        } catch {
            logger.error(
                "cannot map this worker's slot; its requests are not measured and the master will time it out",
                metadata: ["error": "\(error)"]
            )
            return nil
        }
    }
}
