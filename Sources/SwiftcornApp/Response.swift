public import HTTPTypes
public import NIOCore

/// An HTTP response: status and header fields, and a body.
///
/// Framing header fields (`Content-Length`, `Transfer-Encoding`, `Connection`) are the server's
/// business: it sets them from the body, except that a streamed body may declare its length.
public struct Response: Sendable {
    /// Status and header fields.
    public var head: HTTPResponse
    /// The body.
    public var body: ResponseBody

    /// Creates a response.
    public init(status: HTTPResponse.Status, headerFields: HTTPFields = [:], body: ResponseBody = .empty) {
        self.head = HTTPResponse(status: status, headerFields: headerFields)
        self.body = body
    }

    /// Creates a response from a head and a body.
    public init(head: HTTPResponse, body: ResponseBody = .empty) {
        self.head = head
        self.body = body
    }
}

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
    /// `Content-Length`; without it (or with a negative one, which no body has), the body is sent
    /// chunked (HTTP/1.1) or delimited by closing the connection (HTTP/1.0).
    public static func stream(
        contentLength: Int? = nil,
        _ write: @escaping @Sendable (any ResponseBodyWriter) async throws -> Void
    ) -> ResponseBody {
        ResponseBody(storage: .stream(write), contentLength: contentLength.flatMap { $0 >= 0 ? $0 : nil })
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

/// An error that answers the request with a given status.
public struct HTTPError: Error, Sendable, Hashable {
    /// The status of the response.
    public var status: HTTPResponse.Status
    /// A short text for the response body; the reason phrase when `nil`.
    public var message: String?

    /// Creates an error answering `status`.
    public init(_ status: HTTPResponse.Status, message: String? = nil) {
        self.status = status
        self.message = message
    }
}

extension HTTPResponse.Status {
    /// The reason phrase, or the registered one (RFC 9110 and its IANA registry) when the status
    /// was made from a bare code, so a status line never ends in a blank.
    public var reasonPhraseOrStandard: String {
        if !self.reasonPhrase.isEmpty { return self.reasonPhrase }
        switch self.code {
        case 100: return "Continue"
        case 101: return "Switching Protocols"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 203: return "Non-Authoritative Information"
        case 204: return "No Content"
        case 205: return "Reset Content"
        case 206: return "Partial Content"
        case 300: return "Multiple Choices"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 303: return "See Other"
        case 304: return "Not Modified"
        case 307: return "Temporary Redirect"
        case 308: return "Permanent Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 402: return "Payment Required"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 407: return "Proxy Authentication Required"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 411: return "Length Required"
        case 412: return "Precondition Failed"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 416: return "Range Not Satisfiable"
        case 417: return "Expectation Failed"
        case 418: return "I'm a teapot"
        case 421: return "Misdirected Request"
        case 422: return "Unprocessable Content"
        case 425: return "Too Early"
        case 426: return "Upgrade Required"
        case 428: return "Precondition Required"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 451: return "Unavailable For Legal Reasons"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        case 507: return "Insufficient Storage"
        case 511: return "Network Authentication Required"
        default: return "Unknown"
        }
    }
}
