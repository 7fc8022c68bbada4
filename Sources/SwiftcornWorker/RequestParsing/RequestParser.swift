import HTTPTypes
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

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

extension RequestParser {
    /// What a step through a chunked body produced.
    enum ChunkedStep {
        case needMoreBytes
        /// The state moved on without an event.
        case `continue`
        case event(Event)
    }

    /// The longest chunk-size line, extensions included; extensions are read and ignored, and
    /// without a bound a client could make the server buffer them forever.
    static let chunkLineLimit = 4096
    /// Chunk-extension bytes a message may carry beyond its data bytes: without a bound, a
    /// body of one-byte chunks could make the server read thousands of times its size limit.
    static let chunkExtensionAllowance = 4096

    /// `chunk-size [ chunk-ext ] CRLF chunk-data CRLF`, repeated, then `0 CRLF`, trailer
    /// fields and an empty line (RFC 9112, 7.1).
    mutating func nextInChunkedBody() -> ChunkedStep {
        switch self.state {
        case .chunkSize(let scanned):
            return self.readChunkSize(scanned: scanned)
        case .chunkData(let remaining):
            guard let slice = self.readBody(upTo: remaining) else { return .needMoreBytes }
            self.chunkDataBytes += slice.readableBytes
            self.state = slice.readableBytes == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - slice.readableBytes)
            return .event(.body(slice))
        case .chunkDataEnd:
            guard self.buffer.readableBytes >= 2 else { return .needMoreBytes }
            guard self.buffer.readInteger(as: UInt16.self) == UInt16(0x0D0A) else {
                return .event(self.refuse(RequestRefusal(.badRequest)))
            }
            self.state = .chunkSize(scanned: 0)
            return .continue
        case .trailers(var scan):
            let outcome = self.buffer.withUnsafeReadableBytes { scan.scan($0, limits: self.limits) }
            switch outcome {
            case .incomplete:
                self.state = .trailers(scan)
                return .needMoreBytes
            case .complete(let length, _):
                // Trailer fields are checked like any field, refused if a trailer may not carry
                // them, and not passed on.
                let limits = self.limits
                let refusal = self.buffer.withUnsafeReadableBytes {
                    RequestHeadParser.checkTrailerFields(UnsafeRawBufferPointer(rebasing: $0[..<length]), limits: limits)
                }
                if let refusal {
                    return .event(self.refuse(refusal))
                }
                self.buffer.moveReaderIndex(forwardBy: length)
                self.state = .messageEnd
                return .continue
            case .leadingEmptyLines:
                // A trailer section's first empty line completes it; this cannot happen.
                return .event(self.refuse(RequestRefusal(.badRequest)))
            case .refused(let status):
                return .event(self.refuse(RequestRefusal(status)))
            }
        default:
            return .continue
        }
    }

    private mutating func readChunkSize(scanned: Int) -> ChunkedStep {
        let line = self.buffer.withUnsafeReadableBytes { bytes -> (length: Int, size: Int?, extensionLength: Int)? in
            let searched = min(bytes.count, Self.chunkLineLimit)
            guard let base = bytes.baseAddress, scanned < searched,
                let found = memchr(base + scanned, Int32(HTTPByteClass.lineFeed), searched - scanned)
            else { return nil }
            let lineFeed = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            let parsed = Self.chunkSize(UnsafeRawBufferPointer(rebasing: bytes[..<lineFeed]))
            return (lineFeed + 1, parsed?.size, parsed?.extensionLength ?? 0)
        }
        guard let line else {
            if self.buffer.readableBytes >= Self.chunkLineLimit {
                return .event(self.refuse(RequestRefusal(.badRequest)))
            }
            self.state = .chunkSize(scanned: self.buffer.readableBytes)
            return .needMoreBytes
        }
        self.chunkExtensionBytes += line.extensionLength
        guard let size = line.size, self.chunkExtensionBytes <= self.chunkDataBytes + Self.chunkExtensionAllowance else {
            return .event(self.refuse(RequestRefusal(.badRequest)))
        }
        self.buffer.moveReaderIndex(forwardBy: line.length)
        self.state = size == 0 ? .trailers(HeadBoundaryScan(startsWithRequestLine: false)) : .chunkData(remaining: size)
        return .continue
    }

    /// The size on a chunk-size line (without its LF) and the length of its extensions, or
    /// `nil` if the line is malformed.
    private static func chunkSize(_ line: UnsafeRawBufferPointer) -> (size: Int, extensionLength: Int)? {
        guard let last = line.last, last == HTTPByteClass.carriageReturn else { return nil }
        var size = 0
        var index = 0
        while index < line.count - 1, let digit = Self.hexDigit(line[index]) {
            // Fifteen hex digits is more than any body the server accepts; more would overflow.
            guard index < 15 else { return nil }
            size = size << 4 | digit
            index += 1
        }
        guard index > 0 else { return nil }
        let digitsEnd = index
        // Whitespace may precede an extension's `;` (BWS, RFC 9112 7.1.1), not end the line;
        // extensions are ignored but may hold no control byte.
        while index < line.count - 1, line[index] == HTTPByteClass.space || line[index] == HTTPByteClass.tab {
            index += 1
        }
        guard index == digitsEnd ? index == line.count - 1 || line[index] == UInt8(ascii: ";") : line[index] == UInt8(ascii: ";")
        else { return nil }
        while index < line.count - 1 {
            guard HTTPByteClass.isFieldValue(line[index]) else { return nil }
            index += 1
        }
        return (size, line.count - 1 - digitsEnd)
    }

    private static func hexDigit(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}

/// A request the server answers itself, with `status`, and then closes the connection.
struct RequestRefusal: Error, Equatable {
    var status: HTTPResponse.Status

    init(_ status: HTTPResponse.Status) {
        self.status = status
    }
}
