import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves one side port connection: collects a request, renders the answer on the thread pool,
/// writes it back. Confined to its channel's event loop; the rendering is not.
final class SidePortHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: SidePortRoutes
    private let pool: NIOThreadPool
    private var request: SidePortRequest?
    private var keepAlive = true

    init(routes: SidePortRoutes, pool: NIOThreadPool) {
        self.routes = routes
        self.pool = pool
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
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
            let routes = self.routes
            let keepAlive = self.keepAlive
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            self.pool.runIfActive(eventLoop: context.eventLoop) { routes.respond(to: request) }.whenComplete { result in
                let context = loopBound.value
                let response = (try? result.get()) ?? .text(500, "cannot render\n")
                Self.write(response, head: request.method == "HEAD", keepAlive: keepAlive, context: context)
            }
        }
    }

    private static func write(_ response: SidePortResponse, head: Bool, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if !head {
            let buffer = context.channel.allocator.buffer(bytes: response.body)
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
        }
        let done = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
        if !keepAlive {
            done.whenComplete { _ in context.close(promise: nil) }
        }
    }
}
