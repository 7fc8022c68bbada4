import CZlib
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SwiftcornConfig

/// The master's side port: an HTTP/1.1 server on one event loop thread of its own, so neither
/// the master's loop nor a hung worker can stall a scrape.
///
/// Started after the master blocked its signals: the thread inherits the mask and never takes
/// a signal meant for the signalfd.
final class SidePortServer {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    /// The address it listens on (the port the system chose, for port 0).
    var localAddress: SocketAddress? { self.channel.localAddress }

    /// Listens on `address` and answers with `routes`.
    init(address: BindAddress, routes: SidePortRoutes) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // One loop: every connection's handler runs on it, so they can share the scratch memory
        // and the connection table.
        let scratch = ScrapeScratch(allocator: ByteBufferAllocator())
        let connections = SidePortConnections()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Out of descriptors (EMFILE), accepting again at once spins the thread: back off
            // for a second instead. ServerBootstrap's bind(host:port:) adds no such handler.
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler(shouldForwardIOErrorCaught: false))
                }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: SidePortConnections.idleTimeout))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    let handler = SidePortHandler(routes: routes, scratch: scratch, connections: connections)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        do {
            switch address {
            case .tcp(let host, let port):
                self.channel = try bootstrap.bind(host: host, port: port).wait()
            case .unix(let path):
                self.channel = try bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).wait()
            }
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
        self.group = group
    }

    /// Stops listening and ends its thread.
    func stop() {
        try? self.channel.close().wait()
        try? self.group.syncShutdownGracefully()
    }
}

/// The side port's address and routes, and its server once it listens.
///
/// A master started by a binary upgrade may find the port still held by the old master; it then
/// retries from its loop until the old master has gone (``MasterLoop/retrySidePort(now:)``).
package final class SidePort {
    /// Where it listens, as configured.
    package let address: BindAddress
    let routes: SidePortRoutes
    private var server: SidePortServer?

    /// Whether it listens; a master started by a binary upgrade may not yet.
    package var isListening: Bool { self.server != nil }

    /// The address it listens on (the port the system chose, for port 0), when listening.
    package var localAddress: String? { self.server?.localAddress.map { "\($0)" } }

    /// A side port for `address` answering with `routes`; ``start()`` makes it listen.
    package init(address: BindAddress, routes: SidePortRoutes) {
        self.address = address
        self.routes = routes
    }

    /// Listens; throws when the address cannot be bound.
    package func start() throws {
        guard self.server == nil else { return }
        self.server = try SidePortServer(address: self.address, routes: self.routes)
    }

    /// Stops listening.
    package func stop() {
        self.server?.stop()
        self.server = nil
    }
}

/// Serves one side port connection: collects a request, renders the answer, writes it back.
/// Confined to its channel's event loop.
///
/// Rendering runs on the loop itself: it reads memory only (the shared region, the heartbeat
/// region, the stats the master's loop samples from `/proc`), and every hop to another thread
/// would be one more wait for a CPU on a machine busy with workers.
final class SidePortHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: SidePortRoutes
    private let scratch: ScrapeScratch
    private let connections: SidePortConnections
    private var request: SidePortRequest?
    private var keepAlive = true

    init(routes: SidePortRoutes, scratch: ScrapeScratch, connections: SidePortConnections) {
        self.routes = routes
        self.scratch = scratch
        self.connections = connections
    }

    func channelActive(context: ChannelHandlerContext) {
        self.connections.opened(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.connections.closed(context.channel)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Idle past SidePortConnections.idleTimeout: a scraper reconnects; a squatter is gone.
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.connections.busy(context.channel, true)
            let target = head.uri
            let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
            self.keepAlive = head.isKeepAlive
            self.request = SidePortRequest(
                method: head.method.rawValue,
                path: path,
                accept: head.headers.first(name: "accept"),
                acceptEncoding: head.headers.first(name: "accept-encoding"),
                authorization: head.headers.first(name: "authorization")
            )
        case .body:
            break
        case .end:
            guard let request = self.request else { return }
            self.request = nil
            let response = self.routes.respond(to: request, scratch: self.scratch)
            let body: ByteBuffer
            switch response.scratchBody {
            case .text: body = self.scratch.outBuffer(with: self.scratch.text)
            case .gzip: body = self.scratch.outBuffer(with: self.scratch.gzip)
            case nil: body = context.channel.allocator.buffer(bytes: response.body)
            }
            Self.write(response, body: body, head: request.method == "HEAD", keepAlive: self.keepAlive, context: context)
            self.connections.busy(context.channel, false)
        }
    }

    private static func write(_ response: SidePortResponse, body: ByteBuffer, head: Bool, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if !head {
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(body))), promise: nil)
        }
        let done = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
        if !keepAlive {
            let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            done.whenComplete { _ in loopBoundContext.value.close(promise: nil) }
        }
    }
}

/// A request to the side port, reduced to what its routes look at.
struct SidePortRequest: Sendable {
    var method: String
    /// The path without the query.
    var path: String
    var accept: String?
    var acceptEncoding: String?
    var authorization: String?
}

/// A side port response.
struct SidePortResponse: Sendable {
    var status: Int
    var contentType: String
    var body: [UInt8]
    var headers: [(String, String)] = []
    /// The body is in the scrape scratch memory instead of ``body``.
    var scratchBody: ScratchBody?

    /// Which scratch array holds the body.
    enum ScratchBody: Sendable {
        case text
        case gzip
    }

    /// A short plain-text answer.
    static func text(_ status: Int, _ text: String, headers: [(String, String)] = []) -> SidePortResponse {
        SidePortResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8), headers: headers)
    }
}

/// Memory a side port reuses from one scrape to the next: the exposition, its gzip form and the
/// buffer handed to the socket. A scrape of megabytes in fresh memory costs more in page faults
/// than in rendering (measured: 3.7 ms of system time of a 5.9 ms scrape).
///
/// Confined to the side port's one event loop; each response is written before the next is
/// rendered into the same memory, and NIO gives the out buffer back once the write completes.
final class ScrapeScratch: @unchecked Sendable {
    var text: [UInt8] = []
    var gzip: [UInt8] = []
    var out: ByteBuffer

    init(allocator: ByteBufferAllocator) {
        self.out = allocator.buffer(capacity: 0)
    }

    /// `bytes` in the reused out buffer.
    func outBuffer(with bytes: [UInt8]) -> ByteBuffer {
        self.out.clear()
        self.out.writeBytes(bytes)
        return self.out
    }
}

/// gzip for scrape responses: level 1, the fastest, already shrinks the repetitive exposition
/// about thirtyfold, and the side port's CPU time is what delays a scrape on a busy machine.
enum GzipCompression {
    /// `bytes` as a gzip member, written into `output` (its memory reused); false if zlib fails.
    static func compress(_ bytes: [UInt8], into output: inout [UInt8]) -> Bool {
        var stream = z_stream()
        guard czlib_deflate_init_gzip(&stream, 1) == Z_OK else { return false }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(bytes.count))) + 32
        if output.count < bound {
            output.append(contentsOf: repeatElement(0, count: bound - output.count))
        }
        let result = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard result == Z_STREAM_END else { return false }
        output.removeSubrange(Int(stream.total_out)...)
        return true
    }
}

/// The side port's open connections, bounded: at ``limit`` a new connection closes the one that
/// has been idle longest (not one mid-request), so idle or slow clients cannot hold every
/// descriptor and lock out `/healthz` and the scrapers, as 1100 idle connections did.
///
/// Confined to the side port's one event loop, like every handler that uses it.
final class SidePortConnections {
    /// Scrapers, health checks and an operator's curl need a handful; an attacker gets no more.
    static let limit = 128
    /// A connection that sends nothing this long is closed (Prometheus scrapes every 15 s by
    /// default and reconnects when it must).
    static let idleTimeout: TimeAmount = .seconds(30)

    /// At most one warning in this long, however many connections a flood makes the side port close.
    static let warningInterval: Duration = .seconds(10)

    /// Open connections, the longest idle first: a connection moves to the end when it finishes
    /// a request.
    private var open: [(channel: any Channel, busy: Bool)] = []
    /// Connections closed to make room since the last warning.
    private var evicted = 0
    private var lastWarning: ContinuousClock.Instant?
    private let logger = Logger(label: "swiftcorn.side-port")

    func opened(_ channel: any Channel) {
        if self.open.count >= Self.limit {
            if let oldest = self.open.firstIndex(where: { !$0.busy }) {
                // Out of the table before the close, whose channelInactive may come at once.
                self.open.remove(at: oldest).channel.close(promise: nil)
            } else {
                // Every connection is mid-request: the newcomer waits for none of them.
                channel.close(promise: nil)
                self.noteEviction()
                return
            }
            self.noteEviction()
        }
        self.open.append((channel, false))
    }

    /// Counts a connection closed to make room, and says so at most every ``warningInterval``.
    private func noteEviction() {
        self.evicted += 1
        let now = ContinuousClock.now
        if let last = self.lastWarning, now - last < Self.warningInterval { return }
        self.logger.warning(
            "side port connection limit reached: closed the longest idle connections",
            metadata: ["limit": "\(Self.limit)", "closed": "\(self.evicted)", "fix": "find the client holding idle connections"]
        )
        self.evicted = 0
        self.lastWarning = now
    }

    func closed(_ channel: any Channel) {
        self.open.removeAll { $0.channel === channel }
    }

    func busy(_ channel: any Channel, _ busy: Bool) {
        guard let index = self.open.firstIndex(where: { $0.channel === channel }) else { return }
        var entry = self.open.remove(at: index)
        entry.busy = busy
        self.open.append(entry)
    }
}
