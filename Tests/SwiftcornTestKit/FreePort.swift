#if canImport(Glibc)
import Glibc
#endif

/// Finds a TCP port on 127.0.0.1 nobody listens on.
public enum FreePort {
    /// Binds port 0, reads the port the kernel chose and releases it.
    public static func find() throws -> Int {
        let (fd, port) = try LoopbackSocket.bind(type: Int32(SOCK_STREAM.rawValue))
        close(fd)
        return port
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
