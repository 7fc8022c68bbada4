public import HTTPTypes
public import Logging
public import NIOCore

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

/// Per-request facts and settings handed to the ``Responder`` with each request.
///
/// A context belongs to one request and is used by that request's task only; it is not
/// `Sendable`, so it cannot escape into other tasks by accident.
public final class RequestContext {
    /// A logger for this request.
    public var logger: Logger
    /// A low-cardinality route template, such as `/users/:id`; becomes the `route` of the access
    /// record and the `http_route` metric label. `nil` leaves the route unset.
    public var route: String?
    /// Index of the worker serving the request, 1…N, stable across restarts of that slot.
    public let workerIndex: Int
    /// The client's address as seen by the socket: an IP address, or empty for Unix sockets.
    public let remoteAddress: String
    /// Allocator for response buffers.
    public let allocator: ByteBufferAllocator
    /// The event loop of the request's connection.
    public let eventLoop: any EventLoop

    /// Creates a context.
    public init(
        logger: Logger,
        workerIndex: Int,
        remoteAddress: String,
        allocator: ByteBufferAllocator,
        eventLoop: any EventLoop
    ) {
        self.logger = logger
        self.route = nil
        self.workerIndex = workerIndex
        self.remoteAddress = remoteAddress
        self.allocator = allocator
        self.eventLoop = eventLoop
    }
}

/// A finished request as ``ServerHooks/postRequest`` sees it: what the access record will say.
///
/// Belongs to the request's event loop for the duration of the hook call; not `Sendable`.
public final class RequestSummary {
    /// The request method.
    public let method: String
    /// The request target's path.
    public let path: String
    /// The route the app set, if any.
    public let route: String?
    /// The response status; 499 when the client went away first.
    public let status: Int
    /// From the request head to the last response byte.
    public let duration: Duration
    /// Response body bytes.
    public let bytesOut: Int
    /// The request id, received or generated.
    public let requestID: String
    /// The worker index, 1…N.
    public let workerIndex: Int
    /// Fields to add to the access record, in order.
    public private(set) var extraFields: [(key: String, value: String)] = []

    /// A summary.
    public init(
        method: String,
        path: String,
        route: String?,
        status: Int,
        duration: Duration,
        bytesOut: Int,
        requestID: String,
        workerIndex: Int
    ) {
        self.method = method
        self.path = path
        self.route = route
        self.status = status
        self.duration = duration
        self.bytesOut = bytesOut
        self.requestID = requestID
        self.workerIndex = workerIndex
    }

    /// Adds `key: value` to the request's access record, after the schema's own keys; a key the
    /// schema uses (`status`, `path`…) is written as `meta_<key>` and cannot replace it.
    public func addField(_ key: String, _ value: String) {
        self.extraFields.append((key, value))
    }
}
