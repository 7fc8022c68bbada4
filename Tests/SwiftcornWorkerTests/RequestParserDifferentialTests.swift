import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import SwiftcornWorker

/// The parser reads every well-formed request as NIO's llhttp-based decoder, which it replaced
/// in the workers, reads it: same method, target, fields, keep-alive and body; only a value's
/// trailing whitespace, which NIO keeps, differs.
@Suite("RequestParser agrees with NIO's HTTPRequestDecoder")
struct RequestParserDifferentialTests {
    static let requests = [
        "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /path/%20x?q=1&r=%2F#frag HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
        // Absolute-form is not here: NIO hands the app the whole URI as its path, this parser the
        // path and query with the authority apart (RFC 9112, 3.2.2; RequestTargetFormTests).
        "PURGE /cache HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.0\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nX-Spaces:   padded value \t \r\nX-Tab:\tv\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) \"quoted\" \\ back\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-UTF8: h\u{E9}llo \u{2028} \u{1F600}\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nSet-Thing: a=1\r\nset-thing: b=2\r\nSET-THING: c=3\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world",
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=\"x y\"\r\n world\r\n0\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n",
        "PUT /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
        "\r\nGET /after-blank-line HTTP/1.1\r\nHost: x\r\n\r\n",
    ]

    @Test("same reading", arguments: Self.requests)
    func sameReading(raw: String) throws {
        let ours = RequestParserTests.events([raw], limits: RequestHeadLimits(requestLine: 8190, fields: 100, fieldSize: 8190))
        let theirs = try Self.nioEvents(raw)
        #expect(ours.map(\.withoutFraming) == theirs, "ours: \(ours), NIO: \(theirs)")
    }

    static func nioEvents(_ raw: String) throws -> [ParsedEvent] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder()))
        defer { _ = try? channel.finish() }
        try channel.writeInbound(ByteBuffer(string: raw))
        var events: [ParsedEvent] = []
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
            switch part {
            case .head(let head):
                events.append(
                    .head(
                        method: head.method.rawValue,
                        target: head.uri,
                        // NIO keeps a value's trailing whitespace; RFC 9110 (5.5) has parsers drop it.
                        fields: head.headers.map { "\($0.name): \($0.value.droppingTrailingWhitespace)" },
                        keepAlive: head.isKeepAlive,
                        framing: .none
                    )
                )
            case .body(let buffer):
                if case .body(let earlier) = events.last {
                    events[events.count - 1] = .body(earlier + String(buffer: buffer))
                } else {
                    events.append(.body(String(buffer: buffer)))
                }
            case .end:
                events.append(.end)
            }
        }
        return events
    }
}

extension String {
    fileprivate var droppingTrailingWhitespace: Substring {
        self[..<(self.lastIndex { $0 != " " && $0 != "\t" }.map(self.index(after:)) ?? self.startIndex)]
    }
}

extension ParsedEvent {
    /// The event without the framing, which NIO's head does not state.
    var withoutFraming: ParsedEvent {
        guard case .head(let method, let target, let fields, let keepAlive, _) = self else { return self }
        return .head(method: method, target: target, fields: fields, keepAlive: keepAlive, framing: .none)
    }
}
