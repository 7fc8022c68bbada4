import HTTPTypes

/// A request head as the parser read it: the `HTTPRequest` the application sees, and the fields
/// the server acts on, picked up in the same pass.
struct ParsedRequestHead {
    /// How the request's body is delimited (RFC 9112, 6.3).
    enum BodyFraming: Equatable {
        /// No body.
        case none
        /// `Content-Length: n`.
        case length(Int)
        /// `Transfer-Encoding: chunked`.
        case chunked
    }

    var request: HTTPRequest
    /// `HTTP/1.0` rather than `HTTP/1.1`.
    var isHTTP10: Bool
    /// The client keeps the connection open after this request, by its version and `Connection`.
    var keepAlive: Bool
    var framing: BodyFraming
    var expectation: String?
    var requestID: String?
    /// The first `X-Forwarded-For` value.
    var forwardedFor: String?
    var userAgent = ""
    var referer = ""
    var host = ""
}
