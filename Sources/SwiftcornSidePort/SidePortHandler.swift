import NIOCore
import NIOHTTP1

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
    private var request: SidePortRequest?
    private var keepAlive = true

    init(routes: SidePortRoutes, scratch: ScrapeScratch) {
        self.routes = routes
        self.scratch = scratch
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
            let response = self.routes.respond(to: request, scratch: self.scratch)
            let body: ByteBuffer
            switch response.scratchBody {
            case .text: body = self.scratch.outBuffer(with: self.scratch.text)
            case .gzip: body = self.scratch.outBuffer(with: self.scratch.gzip)
            case nil: body = context.channel.allocator.buffer(bytes: response.body)
            }
            Self.write(response, body: body, head: request.method == "HEAD", keepAlive: self.keepAlive, context: context)
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
