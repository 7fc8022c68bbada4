import CSwiftcornSystem
import CoreMetrics
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
package enum WorkerProcess {
    /// Whether this process was spawned as a worker.
    package static var isWorker: Bool {
        WorkerLaunch.startedAsWorker()
    }

    /// Runs the worker role until it is told to stop; never returns.
    ///
    /// `makeResponder` builds the application; when it throws, the worker exits with the
    /// boot-failure status and the master stops.
    package static func run(hooks: ServerHooks = ServerHooks(), makeResponder: (ServerConfiguration) throws -> any Responder) -> Never {
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

extension WorkerProcess {
    /// Exits with the boot-failure status once the records saying why are written.
    static func exitBootFailure() -> Never {
        ErrorLog.writer.flush()
        Self.leave(WorkerLaunch.bootFailureExitCode)
    }

    /// Ends the worker process with `status` once stdio is flushed, without running the
    /// `atexit` handlers and library destructors.
    ///
    /// A forked worker inherited those from the fork server, whose they are; running them (the
    /// dynamic linker's `_dl_fini`, each library's `fini`, with the worker's threads still
    /// running) faults their code and data in to tear down a process the kernel frees anyway:
    /// about 0.9 ms of CPU per worker replacement, a fifth of it. The worker's own records are
    /// flushed before this is called.
    static func leave(_ status: Int32) -> Never {
        fflush(nil)
        _exit(status)
    }

    /// Reads the worker's signals on its supervising thread, which no hung event loop can block, until
    /// the worker exits: TERM drains, QUIT exits, USR1 reopens the logs, ABRT is the master's
    /// timeout; an orphaned worker drains too.
    static func superviseUntilStopped(
        server: WorkerServer,
        signals: consuming SignalDescriptor,
        workerIndex: Int,
        masterPID: pid_t,
        configuration: ServerConfiguration,
        accessLog: LogWriter?,
        inFlight: InFlightRequests,
        statsd: StatsdClient?,
        counters: CounterExport,
        hooks: ServerHooks,
        logger: Logger
    ) -> Never {
        // Every record queued before the worker exits is written: nothing is lost on a graceful stop.
        func exitFlushing(_ status: Int32) -> Never {
            hooks.workerExit?(workerIndex)
            accessLog?.flush()
            statsd?.shutdown()
            ErrorLog.writer.flush()
            counters.export()
            ErrorLog.writer.flush()
            Self.leave(status)
        }
        let drained = DrainCompletion()
        var drainDeadline: ContinuousClock.Instant?
        while true {
            let received = signals.wait(timeoutMilliseconds: drainDeadline == nil ? 1000 : 50)
            switch received?.number {
            case SIGQUIT:
                hooks.workerExit?(workerIndex)
                Self.leave(0)
            case SIGABRT:
                hooks.workerAbort?(workerIndex)
                Self.abortForTimeout(inFlight: inFlight, accessLog: accessLog, logger: logger)
            case SIGUSR1:
                // The files were moved (by the master's rotation or logrotate): write to new ones.
                accessLog?.reopen()
                ErrorLog.writer.reopen()
            case SIGTERM where drainDeadline == nil:
                drainDeadline = .now + configuration.gracefulTimeout
                // The master attaches the pid of this worker's replacement, which takes the
                // keep-alive connections.
                let successor = received.flatMap { $0.sender == masterPID && $0.value > 0 ? pid_t($0.value) : nil }
                server.drain(successor: successor) { drained.markDone() }
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

/// Set by the event loop that closed the last connection, read by the supervising thread.
final class DrainCompletion: Sendable {
    private let done = Atomic<Bool>(false)

    func markDone() {
        self.done.store(true, ordering: .releasing)
    }

    var isDone: Bool {
        self.done.load(ordering: .acquiring)
    }
}

extension WorkerProcess {
    /// Each event loop stamps the heartbeat of the worker's slot from the loop itself: a loop that blocks
    /// stops stamping, and the master aborts the worker after `timeout`.
    static func startHeartbeat(slot: WorkerSlot, group: MultiThreadedEventLoopGroup, configuration: ServerConfiguration) {
        let period = TimeAmount(min(configuration.timeout / 4, .milliseconds(250)))
        for (offset, loop) in group.makeIterator().enumerated() {
            loop.scheduleRepeatedTask(initialDelay: .zero, delay: period) { _ in
                slot.stamp(loop: offset)
            }
        }
    }

    /// The master saw this worker's heartbeat stop: say what it was doing, write every queued
    /// record, then die of SIGABRT as asked. Runs on the supervising thread, which a hung event loop
    /// does not block.
    static func abortForTimeout(inFlight: InFlightRequests, accessLog: LogWriter?, logger: Logger) -> Never {
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
        Self.leave(134)
    }
}

extension WorkerProcess {
    /// Installs the swift-metrics backend on the worker's `slot` when it is measured (before the
    /// app is built, so the app's instruments land there) and starts statsd.
    static func startInstruments(index: Int, slot: WorkerSlot?, configuration: ServerConfiguration, logger: Logger) -> WorkerInstruments {
        var statsd: StatsdClient?
        do {
            statsd = try StatsdClient.start(for: configuration.statsd)
        } catch {
            // statsd is best effort: the worker serves without it and says why.
            logger.error(
                "statsd disabled: cannot set up the client",
                metadata: ["host": "\(configuration.statsd.host.map { "\($0)" } ?? "")", "error": "\(error)"]
            )
        }
        if let statsd {
            ErrorLog.observeWarnings { level, carriesError in statsd.countLogRecord(level: level, carriesError: carriesError) }
        }
        guard let slot else { return WorkerInstruments(http: nil, statsd: statsd) }
        let writer = SlotWriter(slot: slot.metrics, workerIndex: index)
        let mirror = configuration.statsd.includeAppMetrics ? statsd : nil
        MetricsSystem.bootstrap(SlotMetricsFactory(writer: writer, statsd: mirror))
        return WorkerInstruments(http: HTTPServerMetrics(writer: writer), statsd: statsd)
    }

    /// Exports the statsd client's send counters and the log writers' record counts into the
    /// slot, every second; the returned export runs once more at exit.
    static func exportCounters(_ instruments: WorkerInstruments, accessLog: LogWriter?, loop: any EventLoop) -> CounterExport {
        let export = CounterExport()
        guard let http = instruments.http else { return export }
        if let statsd = instruments.statsd {
            export.add(http.counter("swiftcorn_statsd_packets_total")) { statsd.packetsSent }
            export.add(http.counter("swiftcorn_statsd_errors_total")) { statsd.sendErrors }
        }
        let writers = [("access", accessLog), ("error", Optional(ErrorLog.writer))]
        for case (let stream, let writer?) in writers {
            for sink in Set(writer.destinations.map(\.sinkLabel)).sorted() {
                let labels = [("sink", sink), ("stream", stream)]
                if sink == "journald" {
                    // Records journald refused went to stderr instead: counted apart.
                    export.add(http.counter("swiftcorn_log_records_total", labels: labels)) { UInt64(max(writer.written - writer.fellBack, 0)) }
                    export.add(http.counter("swiftcorn_log_records_fallback_total", labels: labels)) { UInt64(writer.fellBack) }
                } else {
                    export.add(http.counter("swiftcorn_log_records_total", labels: labels)) { UInt64(writer.written) }
                }
                export.add(http.counter("swiftcorn_log_records_dropped_total", labels: labels)) { UInt64(writer.dropped) }
            }
        }
        loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in export.export() }
        return export
    }
}

extension WorkerProcess {
    /// Has every thread of the worker allocate from malloc's main arena, before it starts any.
    ///
    /// By default glibc gives each new thread an arena of its own: a 64 MiB reservation whose
    /// first pages are faulted in, and unmapped again when the worker exits. A worker starts
    /// four or five threads; sharing saves about 0.1 ms of the ~2.2 ms of CPU a worker
    /// replacement costs (lower in 5 of 6 paired rounds). The allocations that matter are the
    /// event loop's, and a shared arena measured no different under load (16.9 against 16.9 us
    /// of CPU per request, JSON access log on).
    static func shareOneMallocArena() {
        _ = cswiftcorn_share_one_malloc_arena()
    }
}

/// Where a worker's requests are measured: its slot of the master's worker-slot region and statsd,
/// each absent when turned off.
struct WorkerInstruments: Sendable {
    /// The server's Prometheus instruments.
    let http: HTTPServerMetrics?
    /// The statsd client.
    let statsd: StatsdClient?
}

/// Copies cumulative counts kept elsewhere (the log writers', the statsd client's) into the
/// worker's metrics slot, as the increase since the last copy.
///
/// Runs every second from an event loop and once more just before the worker exits, so the
/// master's retired totals hold the last second too.
final class CounterExport: Sendable {
    private struct Source {
        let series: SeriesHandle
        let read: @Sendable () -> UInt64
        var exported: UInt64 = 0
    }

    private let sources: Mutex<[Source]>

    init() {
        self.sources = Mutex([])
    }

    /// Exports what `read` returns into `series` from now on.
    func add(_ series: SeriesHandle, reading read: @escaping @Sendable () -> UInt64) {
        self.sources.withLock { $0.append(Source(series: series, read: read)) }
    }

    /// Adds each source's increase since the last call to its series.
    func export() {
        self.sources.withLock { sources in
            for index in sources.indices {
                let current = sources[index].read()
                guard current > sources[index].exported else { continue }
                sources[index].series.increment(by: current - sources[index].exported)
                sources[index].exported = current
            }
        }
    }
}
