#if canImport(Glibc)
import Glibc
#endif

extension SocketAcceptor {
    /// A listening socket and whether it is TCP (Unix sockets take no TCP options).
    struct Listener: Sendable {
        let fileDescriptor: Int32
        let isTCP: Bool

        /// Whether this stands for a retiring worker that passed the connection (no socket of
        /// this worker's accepted it).
        var isPassedConnection: Bool { self.fileDescriptor < 0 }

        /// What a connection passed by a retiring worker came from.
        static func passedConnection(isTCP: Bool) -> Listener {
            Listener(fileDescriptor: -1, isTCP: isTCP)
        }

        /// Whether the socket `descriptor` is a TCP (not a Unix) socket.
        static func isTCP(_ descriptor: Int32) -> Bool {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            return named == 0 && Int32(address.ss_family) != AF_UNIX
        }
    }
}
