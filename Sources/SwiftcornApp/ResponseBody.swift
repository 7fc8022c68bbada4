public import NIOCore

/// The body of a ``Response``: bytes in memory, or a stream written by the application.
public struct ResponseBody: Sendable, ExpressibleByStringLiteral {
    /// How the body's bytes are produced.
    package enum Storage: Sendable {
        case buffer(ByteBuffer)
        case stream(@Sendable (any ResponseBodyWriter) async throws -> Void)
    }

    /// The bytes, or the closure that writes them.
    package let storage: Storage

    /// The body's length in bytes when known before it is written.
    public let contentLength: Int?

    /// An empty body.
    public static let empty = ResponseBody(byteBuffer: ByteBuffer())

    /// A body of the bytes in `buffer`.
    public init(byteBuffer: ByteBuffer) {
        self.storage = .buffer(byteBuffer)
        self.contentLength = byteBuffer.readableBytes
    }

    /// A body of the UTF-8 bytes of `string`.
    public init(string: String) {
        self.init(byteBuffer: ByteBuffer(string: string))
    }

    /// A body of the UTF-8 bytes of a string literal.
    public init(stringLiteral value: String) {
        self.init(string: value)
    }

    /// A body the application writes piece by piece.
    ///
    /// With `contentLength` the server sends exactly that many bytes and sets
    /// `Content-Length`; without it, the body is sent chunked (HTTP/1.1) or delimited by closing
    /// the connection (HTTP/1.0).
    public static func stream(
        contentLength: Int? = nil,
        _ write: @escaping @Sendable (any ResponseBodyWriter) async throws -> Void
    ) -> ResponseBody {
        ResponseBody(storage: .stream(write), contentLength: contentLength)
    }

    private init(storage: Storage, contentLength: Int?) {
        self.storage = storage
        self.contentLength = contentLength
    }
}

/// Writes a streamed response body; each write waits until the bytes are handed to the socket.
public protocol ResponseBodyWriter: Sendable {
    /// Sends `buffer` to the client.
    func write(_ buffer: ByteBuffer) async throws
}

extension ResponseBodyWriter {
    /// Sends the UTF-8 bytes of `string`.
    public func write(_ string: String) async throws {
        try await self.write(ByteBuffer(string: string))
    }
}
