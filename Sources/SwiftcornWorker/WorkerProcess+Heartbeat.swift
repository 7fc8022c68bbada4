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
