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

extension WorkerProcess {
    /// Each event loop stamps the shared heartbeat slot from the loop itself: a loop that blocks
    /// stops stamping, and the master aborts the worker after `timeout`.
    static func startHeartbeat(index: Int, group: MultiThreadedEventLoopGroup, configuration: ServerConfiguration, logger: Logger) {
        guard let text = getenv(WorkerEnvironment.heartbeatFD), let descriptor = Int32(String(cString: text)) else { return }
        let region: HeartbeatRegion
        do {
            region = try HeartbeatRegion.map(fileDescriptor: descriptor, slots: WorkerEnvironment.heartbeatSlots)
        } catch {
            logger.error("cannot map the heartbeat region; the master will time this worker out", metadata: ["error": "\(error)"])
            return
        }
        // The master lends each worker process its own slot (the index is the fallback).
        let slot = getenv(WorkerEnvironment.heartbeatSlot).flatMap { Int(String(cString: $0)) } ?? index
        let period = TimeAmount(min(configuration.timeout / 4, .milliseconds(250)))
        for (offset, loop) in group.makeIterator().enumerated() {
            loop.scheduleRepeatedTask(initialDelay: .zero, delay: period) { _ in
                region.stamp(index: slot, loop: offset)
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
