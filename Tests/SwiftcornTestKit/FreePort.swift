#if canImport(Glibc)
import Glibc
#endif

/// Finds a TCP port on 127.0.0.1 nobody listens on.
public enum FreePort {
    /// Binds port 0, reads the port the kernel chose and releases it.
    public static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSocketError.system("socket", errno) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw TestSocketError.system("bind", errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A socket call in the test kit failed.
public enum TestSocketError: Error, CustomStringConvertible {
    case system(String, Int32)
    case closedBeforeResponse(received: Int)
    case malformedResponse(String)

    public var description: String {
        switch self {
        case .system(let call, let error): "\(call) failed: \(String(cString: strerror(error)))"
        case .closedBeforeResponse(let received): "connection closed before a complete response (\(received) bytes received)"
        case .malformedResponse(let why): "malformed response: \(why)"
        }
    }
}
