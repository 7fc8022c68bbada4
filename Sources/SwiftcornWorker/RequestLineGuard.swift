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
    /// Whether the decoder holds no byte of an unfinished message: the last read ended exactly
    /// where a message ended. Only then may the connection pass to another process, which
    /// starts decoding afresh.
    ///
    /// The decoder does not say where in a read a message ended, so a message is taken to end
    /// the read only when the read ends with the blank line that closes a head (or a chunked
    /// body) and nothing was decoded after it: bytes of a next request ending in a blank line
    /// would have completed its head. (Blank lines alone between messages, which the decoder
    /// skips, are all such a read could hold back.) A message whose Content-Length body ends
    /// otherwise does not qualify, and its connection is closed rather than passed on.
    private(set) var atMessageBoundary = true
    private var readEndsWithBlankLine = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = self.unwrapInboundIn(data).readableBytesView
        self.atMessageBoundary = false
        let end = bytes.endIndex
        self.readEndsWithBlankLine =
            bytes.count >= 4 && bytes[end - 4] == 13 && bytes[end - 3] == 10 && bytes[end - 2] == 13 && bytes[end - 1] == 10
        if !self.sawNewline {
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
        self.atMessageBoundary = self.readEndsWithBlankLine
    }

    /// The decoder produced part of a message (a head or body bytes).
    func messageContinues() {
        self.atMessageBoundary = false
    }
}
