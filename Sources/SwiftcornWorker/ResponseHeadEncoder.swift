import HTTPTypes
import NIOCore
import NIOPosix
import SwiftcornFormat
import SwiftcornTime

#if canImport(Glibc)
import Glibc
#endif

/// Writes an HTTP/1.1 response head straight into a `ByteBuffer`.
///
/// The server owns framing: `Content-Length`, `Transfer-Encoding` and `Connection` come from the
/// arguments, and the application's own values of those fields are dropped (a streamed body's
/// declared length arrives here as `contentLength`).
///
/// The head is measured first and then copied in one `writeWithUnsafeMutableBytes`: every
/// separate `ByteBuffer` write costs an exclusivity check and a capacity check, and a head is
/// made of a dozen pieces.
enum ResponseHeadEncoder {
    /// How the body that follows the head is delimited.
    enum Framing: Equatable, Sendable {
        /// `Content-Length: n`.
        case length(Int)
        /// `Transfer-Encoding: chunked`.
        case chunked
        /// No length: the body ends when the connection closes (HTTP/1.0 streams).
        case closeDelimited
        /// The status forbids a body (1xx, 204, 304): no framing field at all.
        case none
    }

    /// What `Connection` field the head carries.
    enum ConnectionField {
        case omitted
        case keepAlive
        case close
    }

    static func write(
        _ head: HTTPResponse,
        framing: Framing,
        connection: ConnectionField,
        date: String,
        requestID: String? = nil,
        into buffer: inout ByteBuffer
    ) {
        // Most heads fit the guess and are encoded once; a larger one is measured first.
        var size = 512
        while true {
            var output = HeadBytes(capacity: size)
            let written = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
                output.base = raw.baseAddress
                Self.encode(head, framing: framing, connection: connection, date: date, requestID: requestID, into: &output)
                return output.count <= size ? output.count : 0
            }
            if written > 0 { return }
            var measure = HeadBytes(capacity: 0)
            Self.encode(head, framing: framing, connection: connection, date: date, requestID: requestID, into: &measure)
            size = measure.count
        }
    }

    /// Runs twice: once counting (no base address), once copying.
    private static func encode(
        _ head: HTTPResponse,
        framing: Framing,
        connection: ConnectionField,
        date: String,
        requestID: String?,
        into out: inout HeadBytes
    ) {
        out.append("HTTP/1.1 ")
        let code = head.status.code
        out.append(UInt8(ascii: "0") + UInt8(code / 100))
        out.append(UInt8(ascii: "0") + UInt8(code / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(code % 10))
        out.append(UInt8(ascii: " "))
        out.append(head.status.reasonPhraseOrStandard)
        out.append("\r\n")
        var sawDate = false
        var sawServer = false
        var sawRequestID = false
        for field in head.headerFields {
            switch field.name {
            case .contentLength, .transferEncoding, .connection:
                continue
            case .date:
                sawDate = true
            case .server:
                sawServer = true
            case Self.requestIDField:
                sawRequestID = true
            default:
                break
            }
            out.append(field.name.rawName)
            out.append(": ")
            out.append(field.value)
            out.append("\r\n")
        }
        if !sawServer {
            out.append("Server: swiftcorn\r\n")
        }
        if !sawDate {
            out.append("Date: ")
            out.append(date)
            out.append("\r\n")
        }
        if let requestID, !sawRequestID {
            out.append("X-Request-ID: ")
            out.append(requestID)
            out.append("\r\n")
        }
        switch framing {
        case .length(let length):
            out.append("Content-Length: ")
            out.appendDecimal(length)
            out.append("\r\n")
        case .chunked:
            out.append("Transfer-Encoding: chunked\r\n")
        case .closeDelimited, .none:
            break
        }
        switch connection {
        case .omitted:
            break
        case .keepAlive:
            out.append("Connection: keep-alive\r\n")
        case .close:
            out.append("Connection: close\r\n")
        }
        out.append("\r\n")
    }

    /// A complete error response with a short text body.
    static func errorResponse(_ status: HTTPResponse.Status, date: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        let body = "\(status.code) \(status.reasonPhraseOrStandard)\n"
        var buffer = allocator.buffer(capacity: 160 + body.utf8.count)
        var head = HTTPResponse(status: status)
        head.headerFields[.contentType] = "text/plain; charset=utf-8"
        Self.write(head, framing: .length(body.utf8.count), connection: .close, date: date, into: &buffer)
        buffer.writeString(body)
        return buffer
    }

    static let requestIDField = HTTPField.Name("X-Request-ID")!

    /// Whether a response with `status` may carry a body (RFC 9110, section 6.4.1).
    static func statusAllowsBody(_ status: HTTPResponse.Status) -> Bool {
        !(status.code < 200 || status.code == 204 || status.code == 304)
    }
}

/// A cursor over raw memory of `capacity` bytes that only counts past its end, or when it has
/// no memory at all.
private struct HeadBytes {
    var base: UnsafeMutableRawPointer?
    private(set) var count = 0
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    private func fits(_ extra: Int) -> UnsafeMutableRawPointer? {
        self.count + extra <= self.capacity ? self.base : nil
    }

    mutating func append(_ byte: UInt8) {
        self.fits(1)?.storeBytes(of: byte, toByteOffset: self.count, as: UInt8.self)
        self.count += 1
    }

    mutating func append(_ text: StaticString) {
        if let base = self.fits(text.utf8CodeUnitCount) {
            (base + self.count).copyMemory(from: text.utf8Start, byteCount: text.utf8CodeUnitCount)
        }
        self.count += text.utf8CodeUnitCount
    }

    mutating func append(_ text: String) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            if let base = self.fits(bytes.count), let source = bytes.baseAddress {
                (base + self.count).copyMemory(from: source, byteCount: bytes.count)
            }
            self.count += bytes.count
        }
        if copied == nil {
            for byte in text.utf8 {
                self.append(byte)
            }
        }
    }

    /// A non-negative `value` (a status code, a length) in decimal.
    mutating func appendDecimal(_ value: Int) {
        let magnitude = UInt64(value)
        let digits = DecimalDigits.count(magnitude)
        if let base = self.fits(digits) {
            DecimalDigits.write(magnitude, digits: digits, at: base + self.count)
        }
        self.count += digits
    }
}

/// The `Date` header value, formatted at most once per second per thread.
///
/// ``HTTPDate`` formats it; the cache keeps that to once a second per event loop.
final class HTTPDateCache {
    private var second: time_t = 0
    private var cached = ""

    // Each thread reads and writes only its own value.
    nonisolated(unsafe) private static let threadLocal = ThreadSpecificVariable<HTTPDateCache>()

    /// The cache of the calling thread.
    static var current: HTTPDateCache {
        if let cache = Self.threadLocal.currentValue { return cache }
        let cache = HTTPDateCache()
        Self.threadLocal.currentValue = cache
        return cache
    }

    /// The current time as an IMF-fixdate, e.g. `Sat, 28 Nov 2026 17:18:00 GMT`.
    var value: String {
        let now = time(nil)
        if now != self.second {
            self.second = now
            self.cached = HTTPDate.format(secondsSince1970: Int64(now))
        }
        return self.cached
    }
}
