import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A response as a test sees it.
public struct HTTPTestResponse: Sendable {
    /// The status code.
    public let status: Int
    /// Header fields, names lowercased, in order.
    public let headers: [(String, String)]
    /// The body, de-chunked.
    public let body: [UInt8]

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return self.headers.first { $0.0 == lowered }?.1
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: self.body, as: UTF8.self) }
}

/// A blocking HTTP/1.1 client connection with raw access, for tests that send what a normal
/// client never would: pipelined, malformed, slow or oversized requests.
public final class HTTPTestConnection {
    private let fd: Int32
    private var pending: [UInt8] = []

    /// Connects to `127.0.0.1:port`, or to a Unix socket when `unixPath` is set.
    public init(port: Int = 0, unixPath: String? = nil, timeout: Duration = .seconds(10)) throws {
        if let unixPath {
            self.fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(unixPath.utf8)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: bytes)
                raw[bytes.count] = 0
            }
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(self.fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard result == 0 else {
                let error = errno
                Glibc.close(self.fd)
                throw TestSocketError.system("connect", error)
            }
        } else {
            self.fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(self.fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard result == 0 else {
                let error = errno
                Glibc.close(self.fd)
                throw TestSocketError.system("connect", error)
            }
        }
        var interval = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(self.fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(self.fd, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        self.close()
    }

    private var isClosed = false

    /// Closes the connection.
    public func close() {
        guard !self.isClosed else { return }
        self.isClosed = true
        Glibc.close(self.fd)
    }

    /// Sends raw bytes.
    public func send(_ text: String) throws {
        try self.send(Array(text.utf8))
    }

    /// Sends raw bytes.
    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(self.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw TestSocketError.system("send", errno) }
            offset += written
        }
    }

    /// Sends a request with `Host` and, for a body, `Content-Length` added.
    public func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) throws -> HTTPTestResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n"
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
        }
        if !body.isEmpty {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        try self.send(Array(head.utf8) + body)
        return try self.readResponse(isHead: method == "HEAD")
    }

    /// Reads one response; `isHead` for a response to HEAD, whose body is empty whatever the head says.
    public func readResponse(isHead: Bool = false) throws -> HTTPTestResponse {
        let headEnd = try self.readUntil([13, 10, 13, 10])
        let headText = String(decoding: self.pending[..<headEnd], as: UTF8.self)
        self.pending.removeFirst(headEnd + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw TestSocketError.malformedResponse("status line '\(statusLine)'")
        }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let response = { (body: [UInt8]) in HTTPTestResponse(status: status, headers: headers, body: body) }
        if status < 200 && status != 101 {
            return try self.readResponse(isHead: isHead)
        }
        if isHead || status == 204 || status == 304 {
            return response([])
        }
        let lookup = { (name: String) in headers.first { $0.0 == name }?.1 }
        if let length = lookup("content-length").flatMap({ Int($0) }) {
            try self.fill(length)
            let body = Array(self.pending[..<length])
            self.pending.removeFirst(length)
            return response(body)
        }
        if lookup("transfer-encoding")?.lowercased() == "chunked" {
            var body: [UInt8] = []
            while true {
                let lineEnd = try self.readUntil([13, 10])
                let sizeText = String(decoding: self.pending[..<lineEnd], as: UTF8.self)
                self.pending.removeFirst(lineEnd + 2)
                guard let size = Int(sizeText.split(separator: ";")[0], radix: 16) else {
                    throw TestSocketError.malformedResponse("chunk size '\(sizeText)'")
                }
                try self.fill(size + 2)
                body += self.pending[..<size]
                self.pending.removeFirst(size + 2)
                if size == 0 { return response(body) }
            }
        }
        while try self.receive() > 0 {}
        let body = self.pending
        self.pending = []
        return response(body)
    }

    /// Reads one byte; false at end of stream.
    public func receiveByte(_ byte: inout UInt8) throws -> Bool {
        if self.pending.isEmpty {
            guard try self.receive() > 0 else { return false }
        }
        byte = self.pending.removeFirst()
        return true
    }

    /// Whether the server closed the connection (reads EOF within the receive timeout).
    public func isClosedByPeer() -> Bool {
        (try? self.receive()) == 0
    }

    private func readUntil(_ delimiter: [UInt8]) throws -> Int {
        var searchFrom = 0
        while true {
            if self.pending.count >= delimiter.count {
                for start in searchFrom...(self.pending.count - delimiter.count)
                where self.pending[start..<start + delimiter.count].elementsEqual(delimiter) {
                    return start
                }
                searchFrom = max(0, self.pending.count - delimiter.count + 1)
            }
            guard try self.receive() > 0 else { throw TestSocketError.closedBeforeResponse(received: self.pending.count) }
        }
    }

    private func fill(_ count: Int) throws {
        while self.pending.count < count {
            guard try self.receive() > 0 else { throw TestSocketError.closedBeforeResponse(received: self.pending.count) }
        }
    }

    @discardableResult
    private func receive() throws -> Int {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
        if count < 0 {
            if errno == ECONNRESET { return 0 }
            throw TestSocketError.system("recv", errno)
        }
        self.pending += buffer[..<count]
        return count
    }
}
