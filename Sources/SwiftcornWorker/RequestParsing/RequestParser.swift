import NIOCore

/// Reads HTTP/1.1 requests from a connection's bytes (RFC 9112): heads, bodies delimited by
/// `Content-Length` or chunked, pipelined requests one after another.
///
/// The caller appends what it reads and pulls events with ``next()`` for as long as it wants
/// the next request: bytes it does not pull stay here, so a pipelined request waits unparsed
/// until the one before it is answered, and a connection can tell whether it holds any byte of
/// a request it has not served (``isAtMessageBoundary``).
///
/// Not `Sendable`: owned by one connection handler and confined to its event loop.
struct RequestParser {
    /// What ``next()`` found.
    enum Event {
        case head(ParsedRequestHead)
        /// Body bytes, with their framing removed.
        case body(ByteBuffer)
        /// The request is complete.
        case end
        /// The bytes are not a request this server serves; nothing more is parsed.
        case refused(RequestRefusal)
    }

    enum State {
        case head(HeadBoundaryScan)
        case fixedBody(remaining: Int)
        /// A chunk-size line, searched up to `scanned` so far.
        case chunkSize(scanned: Int)
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(HeadBoundaryScan)
        /// The message is complete; ``next()`` says so before reading on.
        case messageEnd
        case stopped
    }

    let limits: RequestHeadLimits
    var state = State.head(HeadBoundaryScan(startsWithRequestLine: true))
    /// Received and not yet parsed.
    var buffer: ByteBuffer
    /// Chunk-extension bytes and chunk data bytes of the current message, to bound the one by
    /// the other.
    var chunkExtensionBytes = 0
    var chunkDataBytes = 0

    init(limits: RequestHeadLimits, allocator: ByteBufferAllocator = ByteBufferAllocator()) {
        self.limits = limits
        self.buffer = allocator.buffer(capacity: 0)
    }

    /// Whether no byte of a next request has been received: the connection could pass to
    /// another process, which starts parsing afresh.
    var isAtMessageBoundary: Bool {
        guard case .head(let scan) = self.state else { return false }
        return scan.isAtStart && self.buffer.readableBytes == 0
    }

    /// Adds bytes read from the connection.
    mutating func append(_ bytes: ByteBuffer) {
        if case .stopped = self.state {
            // Refused: what the client still sends is read and dropped, not kept.
            return
        }
        if self.buffer.readableBytes == 0 {
            // The common case: a whole request per read, parsed in the read's own buffer.
            self.buffer = bytes
        } else {
            self.buffer.discardReadBytes()
            self.buffer.writeImmutableBuffer(bytes)
        }
    }

    /// Nothing more is parsed; what was received is dropped.
    mutating func stop() {
        self.state = .stopped
        self.buffer.clear()
    }

    /// The next event, or `nil` when more bytes are needed.
    mutating func next() -> Event? {
        while true {
            switch self.state {
            case .head(var scan):
                let outcome = self.buffer.withUnsafeReadableBytes { scan.scan($0, limits: self.limits) }
                switch outcome {
                case .incomplete:
                    self.state = .head(scan)
                    return nil
                case .leadingEmptyLines(let length):
                    self.buffer.moveReaderIndex(forwardBy: length)
                    self.state = .head(scan)
                case .complete(let length, let lines):
                    return self.parseHead(length: length, fieldCount: lines - 1)
                case .refused(let status):
                    return self.refuse(RequestRefusal(status))
                }
            case .fixedBody(let remaining):
                guard let slice = self.readBody(upTo: remaining) else { return nil }
                self.state = slice.readableBytes == remaining ? .messageEnd : .fixedBody(remaining: remaining - slice.readableBytes)
                return .body(slice)
            case .messageEnd:
                self.state = .head(HeadBoundaryScan(startsWithRequestLine: true))
                return .end
            case .chunkSize, .chunkData, .chunkDataEnd, .trailers:
                switch self.nextInChunkedBody() {
                case .needMoreBytes: return nil
                case .continue: continue
                case .event(let event): return event
                }
            case .stopped:
                return nil
            }
        }
    }

    private mutating func parseHead(length: Int, fieldCount: Int) -> Event {
        let limits = self.limits
        let result = self.buffer.withUnsafeReadableBytes {
            RequestHeadParser.parse(UnsafeRawBufferPointer(rebasing: $0[..<length]), fieldCount: fieldCount, limits: limits)
        }
        switch result {
        case .success(let head):
            self.buffer.moveReaderIndex(forwardBy: length)
            switch head.framing {
            case .none: self.state = .messageEnd
            case .length(let length): self.state = .fixedBody(remaining: length)
            case .chunked:
                self.chunkExtensionBytes = 0
                self.chunkDataBytes = 0
                self.state = .chunkSize(scanned: 0)
            }
            return .head(head)
        case .failure(let refusal):
            return self.refuse(refusal)
        }
    }

    /// Up to `count` received body bytes, or `nil` when none are here yet.
    mutating func readBody(upTo count: Int) -> ByteBuffer? {
        let available = min(count, self.buffer.readableBytes)
        guard available > 0 else { return nil }
        return self.buffer.readSlice(length: available)
    }

    mutating func refuse(_ refusal: RequestRefusal) -> Event {
        self.stop()
        return .refused(refusal)
    }
}
