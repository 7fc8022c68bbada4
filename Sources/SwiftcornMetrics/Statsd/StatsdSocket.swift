#if canImport(Glibc)
import Glibc
#endif

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
