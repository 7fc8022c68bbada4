public import HTTPTypes

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
