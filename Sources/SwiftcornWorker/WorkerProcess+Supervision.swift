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
