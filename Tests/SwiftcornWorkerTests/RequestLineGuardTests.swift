import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import SwiftcornWorker

/// When a connection may pass to another worker: only when the decoder holds nothing of a next
/// request, which the guard judges from the raw reads.
@Suite("RequestLineGuard: message boundaries")
struct RequestLineGuardTests {
    /// Tells the guard of decoded parts, as `HTTPConnectionHandler` does.
    final class PartTap: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        let lineGuard: RequestLineGuard
        var ends = 0

        init(lineGuard: RequestLineGuard) {
            self.lineGuard = lineGuard
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .end = self.unwrapInboundIn(data) {
                self.ends += 1
                self.lineGuard.messageDidEnd()
            } else {
                self.lineGuard.messageContinues()
            }
        }
    }

    /// Feeds `reads` one by one; the guard's verdict and the messages decoded.
    func boundary(after reads: [String]) throws -> (atBoundary: Bool, messages: Int) {
        let lineGuard = RequestLineGuard()
        let tap = PartTap(lineGuard: lineGuard)
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(lineGuard)
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
        try channel.pipeline.syncOperations.addHandler(tap)
        for read in reads {
            try channel.writeInbound(ByteBuffer(string: read))
        }
        return (lineGuard.atMessageBoundary, tap.ends)
    }

    @Test func freshConnectionIsAtABoundary() throws {
        #expect(try self.boundary(after: []) == (true, 0))
    }

    @Test func requestEndingItsReadIsAtABoundary() throws {
        #expect(try self.boundary(after: ["GET / HTTP/1.1\r\nHost: a\r\n\r\n"]) == (true, 1))
        #expect(try self.boundary(after: ["GET / HTTP/1.1\r\nHo", "st: a\r\n\r\n"]) == (true, 1))
    }

    @Test func partialHeadIsNot() throws {
        #expect(try self.boundary(after: ["GET / HTTP/1.1\r\nHost: a\r\n"]) == (false, 0))
        #expect(try self.boundary(after: ["GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\n"]) == (false, 1))
    }

    @Test func wholePipelinedRequestsEndingTheReadAre() throws {
        let two = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
        #expect(try self.boundary(after: [two]) == (true, 2))
    }

    @Test func contentLengthBodyIsOnlyWhenItEndsInABlankLine() throws {
        // Where such a body ends cannot be told from the read alone: the connection closes.
        #expect(try self.boundary(after: ["POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"]) == (false, 1))
        // A body that happens to end like a head did end the read.
        #expect(try self.boundary(after: ["POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\n\r\n\r\n"]) == (true, 1))
        // Body bytes still to come, ending like a head: not a boundary.
        #expect(try self.boundary(after: ["POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\n\r\n\r\n"]) == (false, 0))
    }

    @Test func chunkedBodyEndingTheReadIs() throws {
        let chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        #expect(try self.boundary(after: [chunked]) == (true, 1))
    }
}
