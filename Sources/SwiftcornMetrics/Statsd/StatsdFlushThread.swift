import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A dedicated pthread calling `tick` every `interval` until `stop()`.
///
/// It waits in `poll` on a pipe rather than sleeping, so `stop()` wakes it at once instead of up to an interval
/// later; workers exit promptly and their last interval still gets flushed by the caller.
package final class StatsdFlushThread: Sendable {
    /// Time between two ticks, measured from the previous deadline so ticks do not drift.
    package let interval: Duration
    private let tick: @Sendable () -> Void
    private let wakeReadDescriptor: Int32
    private let wakeWriteDescriptor: Int32
    private let runningThread = Mutex<pthread_t?>(nil)

    /// Starts the thread; the first tick happens one `interval` from now.
    package init(interval: Duration, tick: @escaping @Sendable () -> Void) throws {
        guard interval > .zero else {
            throw StatsdClientError.invalidConfiguration("flush interval must be positive, got \(interval)")
        }
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw StatsdClientError.systemCallFailed(operation: "pipe", errno: errno)
        }
        for descriptor in descriptors {
            // Forked workers exec nothing, but the arbiter may re-exec itself on upgrade: do not leak the pipe.
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        self.interval = interval
        self.tick = tick
        self.wakeReadDescriptor = descriptors[0]
        self.wakeWriteDescriptor = descriptors[1]

        // The thread owns one reference until it returns, released by the entry point.
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread,
            nil,
            { rawContext in
                guard let rawContext else {
                    return nil
                }
                Unmanaged<StatsdFlushThread>.fromOpaque(rawContext).takeRetainedValue().run()
                return nil
            },
            context
        )
        guard status == 0 else {
            Unmanaged<StatsdFlushThread>.fromOpaque(context).release()
            throw StatsdClientError.systemCallFailed(operation: "pthread_create", errno: status)
        }
        runningThread.withLock { $0 = thread }
    }

    deinit {
        close(wakeReadDescriptor)
        close(wakeWriteDescriptor)
    }

    /// Wakes the thread and waits for it to exit; a tick in progress completes first. Idempotent.
    /// Must not be called from `tick` itself.
    package func stop() {
        runningThread.withLock { runningThread in
            guard let thread = runningThread else {
                return
            }
            runningThread = nil
            var wakeByte: UInt8 = 1
            _ = write(wakeWriteDescriptor, &wakeByte, 1)
            pthread_join(thread, nil)
        }
    }

    private func run() {
        let clock = ContinuousClock()
        var deadline = clock.now.advanced(by: interval)
        while true {
            let now = clock.now
            if now >= deadline {
                tick()
                deadline = deadline.advanced(by: interval)
                let afterTick = clock.now
                if deadline <= afterTick {
                    // A slow flush (or a suspended process) skips missed ticks instead of flushing back to back.
                    deadline = afterTick.advanced(by: interval)
                }
                continue
            }
            if waitForWake(timeout: now.duration(to: deadline)) {
                return
            }
        }
    }

    /// Returns true when `stop()` wrote to the pipe, false on timeout or interruption.
    private func waitForWake(timeout: Duration) -> Bool {
        var descriptor = pollfd(fd: wakeReadDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, Self.pollMilliseconds(timeout)) > 0
    }

    /// Rounds up so the thread never wakes just before its deadline and spins.
    private static func pollMilliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        guard !milliseconds.overflow else {
            return Int32.max
        }
        let total = milliseconds.partialValue + (attoseconds + attosecondsPerMillisecond - 1) / attosecondsPerMillisecond
        return Int32(clamping: max(total, 1))
    }
}
