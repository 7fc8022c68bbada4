import HTTPTypes
import NIOCore
import SwiftcornTime
import Testing

@testable import SwiftcornWorker

@Suite("ResponseHeadEncoder")
struct ResponseHeadEncoderTests {
    private func encode(
        _ head: HTTPResponse,
        framing: ResponseHeadEncoder.Framing,
        connection: ResponseHeadEncoder.ConnectionField = .omitted
    ) -> String {
        var buffer = ByteBuffer()
        ResponseHeadEncoder.write(head, framing: framing, connection: connection, date: "Sat, 28 Nov 2026 17:18:00 GMT", into: &buffer)
        return String(buffer: buffer)
    }

    @Test func serverOwnsFramingFields() {
        var head = HTTPResponse(status: .ok)
        head.headerFields[.contentLength] = "999"
        head.headerFields[.transferEncoding] = "gzip"
        head.headerFields[.connection] = "upgrade"
        head.headerFields[.contentType] = "text/plain"
        let text = self.encode(head, framing: .length(5), connection: .close)
        #expect(
            text
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: swiftcorn\r\nDate: Sat, 28 Nov 2026 17:18:00 GMT\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"
        )
    }

    @Test func chunkedAndBodylessFraming() {
        #expect(self.encode(HTTPResponse(status: .ok), framing: .chunked).contains("Transfer-Encoding: chunked\r\n"))
        let noContent = self.encode(HTTPResponse(status: .noContent), framing: .none)
        #expect(noContent.hasPrefix("HTTP/1.1 204 No Content\r\n"))
        #expect(!noContent.contains("Content-Length"))
    }

    @Test func applicationDateAndServerWin() {
        var head = HTTPResponse(status: .notFound)
        head.headerFields[.server] = "app"
        head.headerFields[.date] = "yesterday"
        let text = self.encode(head, framing: .length(0))
        #expect(text.contains("Server: app\r\n") && !text.contains("swiftcorn"))
        #expect(text.contains("Date: yesterday\r\n") && !text.contains("GMT"))
    }

    @Test func statusesThatForbidABody() {
        #expect(!ResponseHeadEncoder.statusAllowsBody(.notModified))
        #expect(!ResponseHeadEncoder.statusAllowsBody(.noContent))
        #expect(!ResponseHeadEncoder.statusAllowsBody(.continue))
        #expect(ResponseHeadEncoder.statusAllowsBody(.ok))
    }

    @Test func imfFixdate() {
        #expect(HTTPDate.format(secondsSince1970: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(secondsSince1970: 1_795_886_280) == "Sat, 28 Nov 2026 17:18:00 GMT")
    }
}
