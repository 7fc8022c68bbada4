public import Logging
public import NIOCore

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
