import CSwiftcornSystem
import Logging
import NIOCore
import NIOPosix
import SwiftcornConfig
import SwiftcornApp
import SwiftcornLogging
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
        getenv(WorkerEnvironment.workerIndex) != nil
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
        let index = Int(String(cString: getenv(WorkerEnvironment.workerIndex))) ?? 0
        // Records carry the worker index and pid themselves (ErrorLog knows them).
        let logger = Logger(label: "swiftcorn.worker")

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
        let masterPID = getenv(WorkerEnvironment.masterPID).flatMap { pid_t(String(cString: $0)) } ?? getppid()
        _ = cswiftcorn_set_parent_death_signal(SIGTERM)
        if getppid() != masterPID {
            Self.leave(0)
        }

        let configuration: ServerConfiguration
        do {
            configuration = try decoded ?? Self.handedOverConfiguration()
        } catch {
            logger.critical("cannot read the configuration handed over by the master", metadata: ["error": "\(error)"])
            Self.exitBootFailure()
        }
        ErrorLog.configure(
            writer: configuration.logging.makeErrorWriter(worker: index),
            worker: index,
            level: Logger.Level(rawValue: configuration.logLevel.rawValue) ?? .info
        )
        let socketCount = getenv(WorkerEnvironment.listenFDs).flatMap { Int(String(cString: $0)) } ?? 0

        NIOSingletons.groupLoopCountSuggestion = configuration.threads
        // Responders then run on the worker's event loops: no thread hop between the socket and the app.
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

        let instruments = Self.startInstruments(index: index, configuration: configuration, logger: logger)
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
                socketCount: socketCount,
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
        logger.debug("worker serving", metadata: ["sockets": "\(socketCount)"])
        Self.startHeartbeat(index: index, group: MultiThreadedEventLoopGroup.singleton, configuration: configuration, logger: logger)
        let counters = Self.exportCounters(instruments, accessLog: accessLog, loop: MultiThreadedEventLoopGroup.singleton.next())
        hooks.postWorkerInit?(index)
        // The master stops a worker this one replaces only once this one accepts.
        ControlMessage.ready(index: index, pid: getpid()).send()
        Self.superviseUntilStopped(
            server: server,
            signals: signals,
            masterPID: masterPID,
            configuration: configuration,
            accessLog: accessLog,
            inFlight: inFlight,
            statsd: instruments.statsd,
            counters: counters,
            hooks: hooks,
            logger: logger
        )
    }

    /// The configuration the master handed over in the environment.
    static func handedOverConfiguration() throws -> ServerConfiguration {
        try ConfigurationCoding.decode(getenv(WorkerEnvironment.configuration).map { String(cString: $0) } ?? "")
    }
}
