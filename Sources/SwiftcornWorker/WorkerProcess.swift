import CSwiftcornSystem
import Logging
import NIOCore
import NIOPosix
import SwiftcornConfig
import SwiftcornHTTP
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
    public static func run(makeResponder: (ServerConfiguration) throws -> any Responder) -> Never {
        let index = Int(String(cString: getenv(WorkerEnvironment.workerIndex))) ?? 0
        // Records carry the worker index and pid themselves (ErrorLog knows them).
        let logger = Logger(label: "swiftcorn.worker")

        signal(SIGPIPE, SIG_IGN)
        signal(SIGINT, SIG_IGN)
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
            exit(0)
        }

        let configuration: ServerConfiguration
        do {
            configuration = try ConfigurationCoding.decode(String(cString: getenv(WorkerEnvironment.configuration) ?? strdup("")))
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
                logger: logger
            )
        } catch {
            logger.critical("cannot serve on the inherited sockets", metadata: ["error": "\(error)"])
            Self.exitBootFailure()
        }
        logger.debug("worker serving", metadata: ["sockets": "\(socketCount)"])
        Self.startHeartbeat(index: index, group: MultiThreadedEventLoopGroup.singleton, configuration: configuration, logger: logger)
        // The master stops a worker this one replaces only once this one accepts.
        ControlMessage.ready(index: index, pid: getpid()).send()
        Self.superviseUntilStopped(
            server: server,
            signals: signals,
            masterPID: masterPID,
            configuration: configuration,
            accessLog: accessLog,
            inFlight: inFlight,
            logger: logger
        )
    }

    /// Each event loop stamps the shared heartbeat slot from the loop itself: a loop that blocks
    /// stops stamping, and the master aborts the worker after `timeout`.
    private static func startHeartbeat(index: Int, group: MultiThreadedEventLoopGroup, configuration: ServerConfiguration, logger: Logger) {
        guard let text = getenv(WorkerEnvironment.heartbeatFD), let descriptor = Int32(String(cString: text)) else { return }
        let region: HeartbeatRegion
        do {
            region = try HeartbeatRegion.map(fileDescriptor: descriptor, slots: WorkerEnvironment.heartbeatSlots)
        } catch {
            logger.error("cannot map the heartbeat region; the master will time this worker out", metadata: ["error": "\(error)"])
            return
        }
        let period = TimeAmount(min(configuration.timeout / 4, .milliseconds(250)))
        for (offset, loop) in group.makeIterator().enumerated() {
            loop.scheduleRepeatedTask(initialDelay: .zero, delay: period) { _ in
                region.stamp(index: index, loop: offset)
            }
        }
    }

    /// The master saw this worker's heartbeat stop: say what it was doing, write every queued
    /// record, then die of SIGABRT as asked. Runs on the main thread, which a hung event loop
    /// does not block.
    private static func abortForTimeout(inFlight: InFlightRequests, accessLog: LogWriter?, logger: Logger) -> Never {
        let now = cswiftcorn_monotonic_ns()
        let requests = inFlight.snapshot.map { entry -> Logger.MetadataValue in
            let age = Double(now - entry.startedNanoseconds) / 1e9
            return .string("\(entry.method) \(entry.target) request_id=\(entry.requestID) age_s=\(age)")
        }
        logger.critical(
            "worker aborted by the master: heartbeat timeout",
            metadata: ["in_flight": .array(requests), "in_flight_count": "\(requests.count)"]
        )
        accessLog?.flush()
        ErrorLog.writer.flush()
        signal(SIGABRT, SIG_DFL)
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGABRT)
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        raise(SIGABRT)
        exit(134)
    }

    /// Exits with the boot-failure status once the records saying why are written.
    private static func exitBootFailure() -> Never {
        ErrorLog.writer.flush()
        exit(WorkerEnvironment.bootFailureExitCode)
    }

    private static func superviseUntilStopped(
        server: WorkerServer,
        signals: borrowing SignalDescriptor,
        masterPID: pid_t,
        configuration: ServerConfiguration,
        accessLog: LogWriter?,
        inFlight: InFlightRequests,
        logger: Logger
    ) -> Never {
        // Every record queued before the worker exits is written: nothing is lost on a graceful stop.
        func exitFlushing(_ status: Int32) -> Never {
            accessLog?.flush()
            ErrorLog.writer.flush()
            exit(status)
        }
        let drained = DrainCompletion()
        var drainDeadline: ContinuousClock.Instant?
        while true {
            let signal = signals.wait(timeoutMilliseconds: drainDeadline == nil ? 1000 : 50)
            switch signal {
            case SIGQUIT:
                exit(0)
            case SIGABRT:
                Self.abortForTimeout(inFlight: inFlight, accessLog: accessLog, logger: logger)
            case SIGUSR1:
                // The files were moved (by the master's rotation or logrotate): write to new ones.
                accessLog?.reopen()
                ErrorLog.writer.reopen()
            case SIGTERM where drainDeadline == nil:
                drainDeadline = .now + configuration.gracefulTimeout
                server.drain { drained.markDone() }
            default:
                break
            }
            if drainDeadline == nil && getppid() != masterPID {
                logger.warning("master is gone; draining")
                drainDeadline = .now + configuration.gracefulTimeout
                server.drain { drained.markDone() }
            }
            if drained.isDone {
                exitFlushing(0)
            }
            if let deadline = drainDeadline, deadline <= .now {
                logger.warning("graceful timeout reached with connections open", metadata: ["open": "\(server.registry.count)"])
                exitFlushing(0)
            }
        }
    }
}

/// Set by the event loop that closed the last connection, read by the supervising main thread.
private final class DrainCompletion: Sendable {
    private let done = Atomic<Bool>(false)

    func markDone() {
        self.done.store(true, ordering: .releasing)
    }

    var isDone: Bool {
        self.done.load(ordering: .acquiring)
    }
}
