public import HTTPTypes

/// An HTTP request as the application sees it: the head and a streamed body.
public struct Request: Sendable {
    /// Method, target, authority and header fields.
    public var head: HTTPRequest
    /// The body, streamed as it arrives.
    public var body: RequestBody

    /// Creates a request.
    public init(head: HTTPRequest, body: RequestBody = .empty) {
        self.head = head
        self.body = body
    }

    /// The request method.
    public var method: HTTPRequest.Method { self.head.method }

    /// The header fields.
    public var headerFields: HTTPFields { self.head.headerFields }

    /// The request target's path, percent-encoding kept as received, without the query.
    public var path: Substring {
        let target = self.head.path ?? "/"
        guard let question = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target[...] }
        return target[..<question]
    }

    /// The raw query without `?`, empty when there is none.
    public var query: Substring {
        let target = self.head.path ?? "/"
        guard let question = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return "" }
        return target[target.utf8.index(after: question)...]
    }

    /// The first value of query parameter `name`, not percent-decoded.
    public func queryValue(_ name: String) -> Substring? {
        for pair in self.query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] == name {
                return parts.count > 1 ? parts[1] : ""
            }
        }
        return nil
    }
}
