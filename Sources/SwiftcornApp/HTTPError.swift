public import HTTPTypes

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
