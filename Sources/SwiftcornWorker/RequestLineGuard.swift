import NIOCore

/// Watches raw bytes ahead of the HTTP decoder to tell an over-long request line from an
/// over-long header field.
///
/// NIO's decoder reports both as the same `headerOverflow`, but gunicorn-compatible clients
/// expect 414 for the first and 431 for the second. The request line is what precedes the first
/// newline of a message, so counting those bytes is enough. Messages pipelined into one read
/// restart the count late, which can only turn a 414 into a 431.
final class RequestLineGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Bytes of the current message before its first newline; event-loop confined.
    private(set) var requestLineBytes = 0
    private var sawNewline = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !self.sawNewline {
            let bytes = self.unwrapInboundIn(data).readableBytesView
            if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                self.requestLineBytes += newline - bytes.startIndex
                self.sawNewline = true
            } else {
                self.requestLineBytes += bytes.count
            }
        }
        context.fireChannelRead(data)
    }

    /// The decoder finished a message; the next bytes start a new request line.
    func messageDidEnd() {
        self.requestLineBytes = 0
        self.sawNewline = false
    }
}
