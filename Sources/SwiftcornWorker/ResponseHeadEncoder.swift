import HTTPTypes
import NIOCore

/// Writes an HTTP/1.1 response head straight into a `ByteBuffer`.
///
/// The server owns framing: `Content-Length`, `Transfer-Encoding` and `Connection` come from the
/// arguments, and the application's own values of those fields are dropped (a streamed body's
/// declared length arrives here as `contentLength`).
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
        into buffer: inout ByteBuffer
    ) {
        buffer.writeStaticString("HTTP/1.1 ")
        Self.writeStatus(head.status, into: &buffer)
        var sawDate = false
        var sawServer = false
        for field in head.headerFields {
            switch field.name {
            case .contentLength, .transferEncoding, .connection:
                continue
            case .date:
                sawDate = true
            case .server:
                sawServer = true
            default:
                break
            }
            buffer.writeString(field.name.rawName)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        if !sawServer {
            buffer.writeStaticString("Server: swiftcorn\r\n")
        }
        if !sawDate {
            buffer.writeStaticString("Date: ")
            buffer.writeString(date)
            buffer.writeStaticString("\r\n")
        }
        switch framing {
        case .length(let length):
            buffer.writeStaticString("Content-Length: ")
            buffer.writeString(String(length))
            buffer.writeStaticString("\r\n")
        case .chunked:
            buffer.writeStaticString("Transfer-Encoding: chunked\r\n")
        case .closeDelimited, .none:
            break
        }
        switch connection {
        case .omitted:
            break
        case .keepAlive:
            buffer.writeStaticString("Connection: keep-alive\r\n")
        case .close:
            buffer.writeStaticString("Connection: close\r\n")
        }
        buffer.writeStaticString("\r\n")
    }

    /// A complete error response with a short text body.
    static func errorResponse(_ status: HTTPResponse.Status, date: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        let body = "\(status.code) \(status.reasonPhrase)\n"
        var buffer = allocator.buffer(capacity: 160 + body.utf8.count)
        var head = HTTPResponse(status: status)
        head.headerFields[.contentType] = "text/plain; charset=utf-8"
        Self.write(head, framing: .length(body.utf8.count), connection: .close, date: date, into: &buffer)
        buffer.writeString(body)
        return buffer
    }

    private static func writeStatus(_ status: HTTPResponse.Status, into buffer: inout ByteBuffer) {
        let code = status.code
        buffer.writeInteger(UInt8(ascii: "0") + UInt8(code / 100))
        buffer.writeInteger(UInt8(ascii: "0") + UInt8(code / 10 % 10))
        buffer.writeInteger(UInt8(ascii: "0") + UInt8(code % 10))
        buffer.writeInteger(UInt8(ascii: " "))
        buffer.writeString(status.reasonPhrase)
        buffer.writeStaticString("\r\n")
    }

    /// Whether a response with `status` may carry a body (RFC 9110, section 6.4.1).
    static func statusAllowsBody(_ status: HTTPResponse.Status) -> Bool {
        !(status.code < 200 || status.code == 204 || status.code == 304)
    }
}
