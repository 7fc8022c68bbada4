import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A UDP socket on `127.0.0.1:<kernel-chosen port>` standing in for a statsd daemon: it keeps
/// every datagram it receives, as text.
///
/// ```swift
/// let statsd = try UDPListener()
/// let server = try TestServer.start(["--statsd-host", "127.0.0.1:\(statsd.port)"])
/// let lines = try statsd.waitForLines(timeout: .seconds(10)) { lines in
///     lines.contains { $0.hasPrefix("swiftcorn.requests:") }
/// }
/// ```
public final class UDPListener {
    /// The port it is bound to on 127.0.0.1.
    public let port: Int
    /// Every datagram received so far, in order of arrival.
    public private(set) var datagrams: [String] = []
    private let fd: Int32

    /// Binds a fresh socket on 127.0.0.1, to `port`, or with 0 to a free one the kernel picks.
    public init(port: Int = 0) throws {
        let (fd, port) = try LoopbackSocket.bind(type: Int32(SOCK_DGRAM.rawValue), port: port)
        // A roomy buffer, so a burst of metrics is not dropped while the test is busy elsewhere.
        var bufferSize: Int32 = 4 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufferSize, socklen_t(MemoryLayout<Int32>.size))
        self.fd = fd
        self.port = port
    }

    deinit {
        Glibc.close(self.fd)
    }

    /// Collects datagrams until `deadline`, and returns the ones that arrived during this call
    /// (they are kept in `datagrams` as well). Returns at the deadline, not before.
    @discardableResult
    public func receive(until deadline: ContinuousClock.Instant) throws -> [String] {
        var received: [String] = []
        while true {
            received += try self.drainReady()
            let now = ContinuousClock.now
            guard now < deadline else { break }
            let remaining = deadline - now
            let milliseconds = max(1, Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            var descriptor = pollfd(fd: self.fd, events: Int16(POLLIN), revents: 0)
            let ready = Glibc.poll(&descriptor, 1, milliseconds)
            if ready < 0 && errno != EINTR { throw TestSocketError.system("poll", errno) }
        }
        return received
    }

    /// Collects datagrams for `duration`, as `receive(until:)`.
    @discardableResult
    public func receive(for duration: Duration) throws -> [String] {
        try self.receive(until: ContinuousClock.now + duration)
    }

    /// Collects datagrams until `condition` holds for `lines` (all lines so far), and returns
    /// `lines`; throws with the lines seen when `timeout` passes first.
    @discardableResult
    public func waitForLines(timeout: Duration = .seconds(10), until condition: ([String]) -> Bool) throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        while true {
            _ = try self.drainReady()
            if condition(self.lines) { return self.lines }
            guard ContinuousClock.now < deadline else { throw UDPListenerError.timedOut(timeout, lines: self.lines) }
            try self.receive(until: min(deadline, ContinuousClock.now + .milliseconds(50)))
        }
    }

    /// Every line received so far: datagrams split at `\n`, empty lines left out (statsd sends
    /// one metric per line, several lines per datagram).
    public var lines: [String] {
        self.datagrams.flatMap { Self.lines(in: $0) }
    }

    /// The lines of one datagram, as ``lines`` splits them.
    public static func lines(in datagram: String) -> [String] {
        datagram.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Forgets the datagrams received so far.
    public func reset() {
        self.datagrams = []
    }

    /// Reads every datagram already queued, without waiting.
    private func drainReady() throws -> [String] {
        var received: [String] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                if errno == EINTR { continue }
                throw TestSocketError.system("recv", errno)
            }
            received.append(String(decoding: buffer[..<count], as: UTF8.self))
        }
        self.datagrams += received
        return received
    }
}

/// A UDP listener did not see what a test waited for.
public enum UDPListenerError: Error, CustomStringConvertible {
    /// The condition did not hold within the timeout; carries every line received.
    case timedOut(Duration, lines: [String])

    /// The message a failing test shows.
    public var description: String {
        switch self {
        case .timedOut(let timeout, let lines):
            "timed out after \(timeout) waiting for UDP lines; received \(lines.count):\n  " + lines.suffix(50).joined(separator: "\n  ")
        }
    }
}
