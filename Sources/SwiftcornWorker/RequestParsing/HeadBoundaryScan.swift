import HTTPTypes
import SwiftcornConfig

#if canImport(Glibc)
import Glibc
#endif

/// Finds where a head (or a chunked body's trailer section) ends: the first empty line.
///
/// The search resumes where the last read left it, so a head that arrives a byte at a time is
/// still read in linear time, and each line is held to its limit as soon as it is too long,
/// not when its end arrives. Every line must end in CRLF: a bare LF is refused, because a
/// proxy that does not treat it as a line end would read different fields from the same bytes.
struct HeadBoundaryScan {
    /// What a scan of the bytes received so far found.
    enum Outcome: Equatable {
        /// No empty line yet.
        case incomplete
        /// The head is the first `length` bytes and holds `lines` lines before the empty one.
        case complete(length: Int, lines: Int)
        /// Leading empty lines before a request line: drop `length` bytes and scan again.
        case leadingEmptyLines(length: Int)
        case refused(HTTPResponse.Status)
    }

    /// Whether the first line is a request line (held to the request-line limit, and empty lines
    /// before it skipped), rather than the first trailer field.
    let startsWithRequestLine: Bool
    /// Bytes already searched.
    private var scanned = 0
    /// Where the line being read starts.
    private var lineStart = 0
    /// Lines complete so far.
    private var lines = 0

    init(startsWithRequestLine: Bool) {
        self.startsWithRequestLine = startsWithRequestLine
    }

    /// Whether nothing of a head has been seen.
    var isAtStart: Bool { self.scanned == 0 }

    /// Searches `bytes`, the readable bytes from the head's first byte, from where it stopped.
    mutating func scan(_ bytes: UnsafeRawBufferPointer, limits: RequestHeadLimits) -> Outcome {
        guard let base = bytes.baseAddress else { return .incomplete }
        let count = bytes.count
        while self.scanned < count {
            guard let found = memchr(base + self.scanned, Int32(HTTPByteClass.lineFeed), count - self.scanned) else {
                self.scanned = count
                break
            }
            let lineFeed = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            guard lineFeed > self.lineStart, bytes[lineFeed - 1] == HTTPByteClass.carriageReturn else {
                return .refused(.badRequest)
            }
            let length = lineFeed - 1 - self.lineStart
            self.scanned = lineFeed + 1
            if length == 0 {
                if self.lines == 0 && self.startsWithRequestLine {
                    let skipped = self.scanned
                    self = HeadBoundaryScan(startsWithRequestLine: true)
                    return .leadingEmptyLines(length: skipped)
                }
                return .complete(length: self.scanned, lines: self.lines)
            }
            if let refusal = self.refusal(lineLength: length, limits: limits) {
                return .refused(refusal)
            }
            self.lines += 1
            if self.lines > limits.fields + (self.startsWithRequestLine ? 1 : 0) {
                return .refused(.requestHeaderFieldsTooLarge)
            }
            self.lineStart = self.scanned
        }
        // The line in progress may end in its CR already; one byte of slack covers it.
        if let refusal = self.refusal(lineLength: count - self.lineStart - 1, limits: limits) {
            return .refused(refusal)
        }
        return .incomplete
    }

    private func refusal(lineLength: Int, limits: RequestHeadLimits) -> HTTPResponse.Status? {
        if self.lines == 0 && self.startsWithRequestLine {
            return lineLength > limits.requestLine ? .uriTooLong : nil
        }
        return lineLength > limits.fieldSize + RequestHeadLimits.whitespaceAllowance ? .requestHeaderFieldsTooLarge : nil
    }
}

/// The sizes a request head may not exceed, as gunicorn's `limit_request_*` settings name them.
struct RequestHeadLimits: Sendable {
    /// The longest request line, without its CRLF; longer gets 414.
    var requestLine: Int
    /// The most header fields; more gets 431.
    var fields: Int
    /// The longest field, counted as gunicorn counts it: `name: value` and its CRLF; longer
    /// gets 431.
    var fieldSize: Int

    /// A field line carries optional whitespace that the field's measure does not count: a
    /// line this much longer than ``fieldSize`` is refused before its end arrives.
    static let whitespaceAllowance = 64
}

extension RequestHeadLimits {
    /// The limits `configuration` sets.
    init(_ configuration: ServerConfiguration) {
        self.requestLine = configuration.limitRequestLine
        self.fields = configuration.limitRequestFields
        self.fieldSize = configuration.limitRequestFieldSize
    }
}
