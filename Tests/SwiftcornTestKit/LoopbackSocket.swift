#if canImport(Glibc)
import Glibc
#endif

/// A socket bound on 127.0.0.1, to a port the kernel picks unless one is named.
enum LoopbackSocket {
    /// Opens a socket of `type` (`SOCK_STREAM`, `SOCK_DGRAM`), binds it to `port` (0: any free
    /// one) and returns it with the port it got; the caller owns the descriptor.
    static func bind(type: Int32, port: Int = 0) throws -> (descriptor: Int32, port: Int) {
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { throw TestSocketError.system("socket", errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let error = errno
            close(fd)
            throw TestSocketError.system("bind", error)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
