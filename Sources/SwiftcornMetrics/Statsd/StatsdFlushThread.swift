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

/// One flush: drains the aggregator, packs the lines into datagrams and sends them, counting the outcome.
///
/// Separate from `StatsdClient` so the flush thread can hold it without keeping the client alive; the client's
/// `deinit` is what stops that thread.
package final class StatsdFlusher: Sendable {
    private let aggregator: StatsdAggregator
    private let encoder: StatsdLineEncoder
    private let socket: StatsdSocket
    private let maxDatagramSize: Int
    // Keeps datagrams of concurrent flushes (timer thread versus `flushNow`) from interleaving.
    private let flushInProgress = Mutex(())
    private let packetsSentCount = Atomic<UInt64>(0)
    private let sendErrorCount = Atomic<UInt64>(0)
    private let droppedLineCount = Atomic<UInt64>(0)
    private let lastSendErrorNumber = Atomic<Int32>(0)

    /// Datagrams handed to the kernel successfully.
    package var packetsSent: UInt64 { packetsSentCount.load(ordering: .relaxed) }
    /// Datagrams lost to a send error (refused, buffer full, ...).
    package var sendErrors: UInt64 { sendErrorCount.load(ordering: .relaxed) }
    /// Entries dropped because a single one exceeded the datagram size.
    package var droppedLines: UInt64 { droppedLineCount.load(ordering: .relaxed) }
    /// `errno` of the most recent failed send, 0 if none failed yet.
    package var lastSendError: Int32 { lastSendErrorNumber.load(ordering: .relaxed) }

    /// Creates a flusher sending `aggregator`'s content through `socket`.
    package init(aggregator: StatsdAggregator, encoder: StatsdLineEncoder, socket: StatsdSocket, maxDatagramSize: Int) {
        self.aggregator = aggregator
        self.encoder = encoder
        self.socket = socket
        self.maxDatagramSize = maxDatagramSize
    }

    /// Sends everything recorded since the previous flush; errors are counted, never thrown.
    package func flush() {
        flushInProgress.withLock { _ in
            let lines = aggregator.drain(encodingWith: encoder)
            guard !lines.isEmpty else {
                return
            }
            var packer = StatsdDatagramPacker(maxDatagramSize: maxDatagramSize)
            for line in lines {
                packer.append(line)
            }
            let datagrams = packer.finish()
            if packer.droppedLines > 0 {
                droppedLineCount.add(UInt64(packer.droppedLines), ordering: .relaxed)
            }
            for datagram in datagrams {
                if let errorNumber = socket.send(datagram) {
                    sendErrorCount.add(1, ordering: .relaxed)
                    lastSendErrorNumber.store(errorNumber, ordering: .relaxed)
                } else {
                    packetsSentCount.add(1, ordering: .relaxed)
                }
            }
        }
    }
}

/// A non-blocking UDP socket connected to the statsd server.
///
/// Connected so the kernel reports ICMP port-unreachable as `ECONNREFUSED` on a later send (an unconnected socket
/// silently loses it), and so `send` needs no address per datagram.
package final class StatsdSocket: Sendable {
    /// The host as configured (name or literal).
    package let host: String
    /// The server's UDP port.
    package let port: UInt16
    private let descriptor: Int32

    /// Resolves `host` once with `getaddrinfo` and connects; throws `StatsdClientError.unresolvableHost` naming the
    /// host when resolution fails.
    package init(host: String, port: UInt16) throws {
        self.host = host
        self.port = port
        self.descriptor = try Self.openConnectedSocket(host: host, port: port)
    }

    deinit {
        close(descriptor)
    }

    /// Sends one datagram without blocking; returns `nil` on success, otherwise the `errno` (a full socket buffer
    /// is `EAGAIN`: the datagram is lost rather than delaying the caller).
    package func send(_ datagram: [UInt8]) -> Int32? {
        while true {
            let sent = datagram.withUnsafeBytes { buffer in
                Glibc.send(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL))
            }
            if sent == datagram.count {
                return nil
            }
            if sent >= 0 {
                // UDP sends whole datagrams; a short count means the server would see a truncated one.
                return EMSGSIZE
            }
            let error = errno
            if error != EINTR {
                return error
            }
        }
    }

    private static func openConnectedSocket(host: String, port: UInt16) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_UDP)
        hints.ai_flags = AI_NUMERICSERV
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &results)
        guard status == 0, let first = results else {
            let reason = status == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(status))
            throw StatsdClientError.unresolvableHost(host: host, port: port, reason: reason)
        }
        defer { freeaddrinfo(first) }

        var candidates: [addrinfo] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            candidates.append(entry.pointee)
            cursor = entry.pointee.ai_next
        }
        // Like gunicorn, prefer IPv4 for names: "localhost" often resolves to ::1 first while the agent listens on
        // 127.0.0.1 only, and an unconnected mismatch would lose every metric silently.
        let ordered = candidates.filter { $0.ai_family == AF_INET } + candidates.filter { $0.ai_family != AF_INET }

        var lastError: Int32 = EADDRNOTAVAIL
        for candidate in ordered {
            let socketType = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
            let descriptor = socket(candidate.ai_family, socketType, candidate.ai_protocol)
            guard descriptor >= 0 else {
                lastError = errno
                continue
            }
            if connect(descriptor, candidate.ai_addr, candidate.ai_addrlen) == 0 {
                return descriptor
            }
            lastError = errno
            close(descriptor)
        }
        throw StatsdClientError.systemCallFailed(operation: "connect to \(host):\(port)", errno: lastError)
    }
}
