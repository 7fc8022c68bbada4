/// One served request, as the access log records it (schema v1 of DESIGN.md).
public struct AccessRecord: Sendable, Equatable {
    /// When the response finished, in microseconds since the Unix epoch.
    public var timestampMicroseconds: Int64
    /// The request method.
    public var method: String
    /// The request path, percent-encoding kept as received.
    public var path: String
    /// The raw query without `?`, empty when none.
    public var query: String
    /// The route template the app set, if any.
    public var route: String?
    /// The response status; 499 when the client went away first.
    public var status: Int
    /// From the first request byte to the last response byte, in microseconds.
    public var durationMicroseconds: Int64
    /// Request body bytes.
    public var bytesIn: Int
    /// Response body bytes.
    public var bytesOut: Int
    /// The client's IP address.
    public var remoteAddress: String
    /// The `User-Agent` header, empty when absent.
    public var userAgent: String
    /// The `Referer` header, empty when absent.
    public var referer: String
    /// The request id, received or generated.
    public var requestID: String
    /// `1.0` or `1.1`.
    public var httpVersion: String
    /// The `Host` header.
    public var host: String
    /// The worker index, 1…N.
    public var worker: Int
    /// The worker's process id.
    public var pid: Int32
    /// Fields a `postRequest` hook added, written after the schema's keys.
    public var extraFields: [AccessField] = []

    /// Creates a record.
    public init(
        timestampMicroseconds: Int64,
        method: String,
        path: String,
        query: String,
        route: String?,
        status: Int,
        durationMicroseconds: Int64,
        bytesIn: Int,
        bytesOut: Int,
        remoteAddress: String,
        userAgent: String,
        referer: String,
        requestID: String,
        httpVersion: String,
        host: String,
        worker: Int,
        pid: Int32
    ) {
        self.timestampMicroseconds = timestampMicroseconds
        self.method = method
        self.path = path
        self.query = query
        self.route = route
        self.status = status
        self.durationMicroseconds = durationMicroseconds
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.remoteAddress = remoteAddress
        self.userAgent = userAgent
        self.referer = referer
        self.requestID = requestID
        self.httpVersion = httpVersion
        self.host = host
        self.worker = worker
        self.pid = pid
    }
}
