import CSystemd

#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket connected once to journald's, carrying one native-protocol entry per
/// datagram. Used only by its sink's writer thread; not `Sendable`.
final class JournalSocket {
    /// journald's socket for native-protocol entries.
    static let path = "/run/systemd/journal/socket"

    /// How long the writer waits when journald's queue is full before it tries again.
    ///
    /// A blocking send would sleep until journald took one datagram off its queue and then send
    /// exactly one: a context switch per record for the writer, on a machine whose cores
    /// journald needs. Pausing lets journald take several (each costs it ~20 µs) before the writer
    /// refills the queue in one go. Measured on 2 cores against journald's 10-deep queue: 100 µs
    /// served ~9% more requests than blocking; 400 µs left journald idle and served ~18% fewer.
    static let fullQueuePauseMicroseconds: UInt32 = 100

    /// The connected socket; -1 until the first record, and after a failure.
    private var socket: Int32 = -1

    /// Closes the socket; the next send connects again.
    func close() {
        if self.socket >= 0 {
            Glibc.close(self.socket)
            self.socket = -1
        }
    }

    /// Sends `fields`: 0 or a negative errno. After a failure the socket is dropped, so the next
    /// attempt connects afresh (to a journald that may have restarted).
    func send(_ fields: JournalFields) -> Int32 {
        // A journald that restarted left the connected socket without a peer: one fresh
        // connection is tried before the record falls back to standard error.
        for attempt in 0..<2 {
            if self.socket < 0 {
                self.socket = Self.connect()
                guard self.socket >= 0 else { return -errno }
            }
            var result = fields.send(on: self.socket)
            while result == -EINTR || result == -EAGAIN {
                if result == -EAGAIN { usleep(Self.fullQueuePauseMicroseconds) }
                result = fields.send(on: self.socket)
            }
            switch -result {
            case 0:
                return 0
            case EMSGSIZE, ENOBUFS:
                return fields.sendThroughLibsystemd()
            default:
                self.close()
                let peerGone = [ECONNREFUSED, ENOTCONN, EPIPE, ECONNRESET].contains(-result)
                if !peerGone || attempt > 0 { return result }
            }
        }
        return -ECONNREFUSED
    }

    private static func connect() -> Int32 {
        let descriptor = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return -1 }
        // As libsystemd does: a large send buffer absorbs bursts while journald catches up.
        var size: Int32 = 8 * 1024 * 1024
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            for (offset, byte) in Self.path.utf8.enumerated() { path[offset] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let failure = errno
            Glibc.close(descriptor)
            errno = failure
            return -1
        }
        return descriptor
    }
}
