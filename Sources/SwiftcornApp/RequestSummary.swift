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
