import Foundation
import SwiftcornTestKit
import Testing

@Suite("HTTP/1.1 behaviour", .serialized)
final class HTTPProtocolTests {
    let server: TestServer

    init() throws {
        self.server = try TestServer.start(["-w", "1", "--keepalive", "2s"])
    }

    deinit {
        self.server.stop()
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() throws {
        let connection = try HTTPTestConnection(port: self.server.port)
        for _ in 0..<50 {
            let response = try connection.request("GET", "/")
            #expect(response.status == 200)
            #expect(response.text == "Hello")
            #expect(response.header("content-length") == "5")
            #expect(response.header("date") != nil)
        }
    }

    @Test func targetsOfNoFormAreRefusedAndAbsoluteFormIsRoutedByItsPath() throws {
        // `GET headers` must not reach the /headers route: an app's rule on a path prefix would
        // be walked around (RFC 9112, 3.2).
        for target in ["headers", "example.com:443", "*"] {
            let connection = try HTTPTestConnection(port: self.server.port)
            try connection.send("GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try connection.readResponse().status == 400, "\(target)")
        }
        let proxy = try HTTPTestConnection(port: self.server.port)
        try proxy.send("GET http://example.com/status/203 HTTP/1.1\r\nHost: example.com\r\n\r\n")
        #expect(try proxy.readResponse().status == 203)
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let connection = try HTTPTestConnection(port: self.server.port)
        try connection.send(
            "GET /delay?ms=100 HTTP/1.1\r\nHost: x\r\n\r\nGET /status/201 HTTP/1.1\r\nHost: x\r\n\r\nGET /status/404 HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        #expect(try connection.readResponse().text == "slept 100 ms\n")
        #expect(try connection.readResponse().status == 201)
        #expect(try connection.readResponse().status == 404)
    }

    @Test func chunkedBodiesBothWays() throws {
        let connection = try HTTPTestConnection(port: self.server.port)
        try connection.send(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/x-test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        )
        let echoed = try connection.readResponse()
        #expect(echoed.text == "hello world")
        #expect(echoed.header("content-type") == "text/x-test")
        let streamed = try connection.request("GET", "/stream?chunks=5&size=3")
        #expect(streamed.header("transfer-encoding") == "chunked")
        #expect(streamed.text == String(repeating: "s", count: 15))
    }

    @Test func expectContinueGetsAnInterimResponse() throws {
        let connection = try HTTPTestConnection(port: self.server.port)
        try connection.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        let interim = try connection.readInterimStatusLine()
        #expect(interim.hasPrefix("HTTP/1.1 100"))
        try connection.send("ping")
        #expect(try connection.readResponse().text == "ping")
    }

    @Test func headHasHeadersButNoBody() throws {
        let connection = try HTTPTestConnection(port: self.server.port)
        let head = try connection.request("HEAD", "/bytes/1000")
        #expect(head.status == 200)
        #expect(head.header("content-length") == "1000")
        // The next response parses cleanly only if no body bytes followed the HEAD response.
        #expect(try connection.request("GET", "/").text == "Hello")
    }

    @Test func connectionCloseIsHonoured() throws {
        let connection = try HTTPTestConnection(port: self.server.port)
        let response = try connection.request("GET", "/", headers: [("Connection", "close")])
        #expect(response.header("connection") == "close")
        #expect(connection.isClosedByPeer())
    }

    @Test func http10GetsItsOwnKeepAliveRules() throws {
        let closing = try HTTPTestConnection(port: self.server.port)
        try closing.send("GET / HTTP/1.0\r\n\r\n")
        #expect(try closing.readResponse().text == "Hello")
        #expect(closing.isClosedByPeer())
        let keeping = try HTTPTestConnection(port: self.server.port)
        try keeping.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try keeping.readResponse().header("connection") == "keep-alive")
        try keeping.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try keeping.readResponse().text == "Hello")
    }

    @Test func idleKeepAliveConnectionIsClosed() throws {
        let connection = try HTTPTestConnection(port: self.server.port, timeout: .seconds(10))
        #expect(try connection.request("GET", "/").status == 200)
        let start = ContinuousClock.now
        #expect(connection.isClosedByPeer())
        #expect(ContinuousClock.now - start < .seconds(8))
    }

    @Test func responseIsNotLostWhenTheBodyIsNotRead() throws {
        let connection = try HTTPTestConnection(port: self.server.port)
        let body = [UInt8](repeating: 65, count: 1 << 20)
        // `/` never reads its body: the response must still arrive and the connection stay usable.
        let response = try connection.request("POST", "/", body: body)
        #expect(response.status == 200)
        #expect(try connection.request("GET", "/status/202").status == 202)
    }

    @Test func applicationErrorsMapToStatuses() throws {
        #expect(try self.server.get("/nowhere").status == 404)
        #expect(try self.server.get("/status/abc").status == 400)
        #expect(try self.server.get("/fault/crash").status == 404)
    }

    @Test func headersEndpointEchoesFieldsAsJSON() throws {
        let response = try self.server.get("/headers", headers: [("X-Test", "a\"b")])
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String]
        #expect(object?["x-test"] == "a\"b")
    }
}

extension HTTPTestConnection {
    /// Reads an interim `1xx` status line and its empty header block.
    func readInterimStatusLine() throws -> String {
        var bytes: [UInt8] = []
        while !bytes.suffix(4).elementsEqual([13, 10, 13, 10]) {
            var byte: UInt8 = 0
            guard try self.receiveByte(&byte) else { throw TestSocketError.closedBeforeResponse(received: bytes.count) }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
