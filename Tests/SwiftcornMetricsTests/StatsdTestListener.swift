#if canImport(Glibc)
import Glibc
#endif

/// A UDP socket bound on 127.0.0.1 that collects what a statsd client sends, waiting with `poll` and a deadline.
final class StatsdTestListener {
    let port: UInt16
    private let descriptor: Int32

    struct SetupFailed: Error, CustomStringConvertible {
        let operation: String
        let errorNumber: Int32
        var description: String { "\(operation) failed: errno \(errorNumber)" }
    }

    /// Binds 127.0.0.1:`port` (0 picks a free port).
    init(port: UInt16 = 0) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw SetupFailed(operation: "socket", errorNumber: errno)
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let error = errno
            close(descriptor)
            throw SetupFailed(operation: "bind", errorNumber: error)
        }
        var boundAddress = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &boundAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        self.port = UInt16(bigEndian: boundAddress.sin_port)
    }

    deinit {
        close(descriptor)
    }

    /// One datagram, or nil when none arrives before `timeout`.
    func receive(timeout: Duration) -> [UInt8]? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else {
                return nil
            }
            var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let (seconds, attoseconds) = remaining.components
            let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            guard poll(&pollDescriptor, 1, milliseconds) > 0 else {
                continue
            }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let received = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if received >= 0 {
                return Array(buffer[..<received])
            }
        }
    }

    /// Receives datagrams until `isComplete` holds for all lines received so far or `timeout` passes.
    func receiveLines(timeout: Duration = .seconds(5), until isComplete: ([String]) -> Bool) -> (datagrams: [[UInt8]], lines: [String]) {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var datagrams: [[UInt8]] = []
        var lines: [String] = []
        while !isComplete(lines) {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero, let datagram = receive(timeout: remaining) else {
                break
            }
            datagrams.append(datagram)
            lines += Self.lines(in: datagram)
        }
        return (datagrams, lines)
    }

    /// Drains whatever is already queued, waiting at most `quietPeriod` for each further datagram.
    func receiveRemaining(quietPeriod: Duration = .milliseconds(100)) -> [[UInt8]] {
        var datagrams: [[UInt8]] = []
        while let datagram = receive(timeout: quietPeriod) {
            datagrams.append(datagram)
        }
        return datagrams
    }

    static func lines(in datagram: [UInt8]) -> [String] {
        datagram.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
    }
}
