import Foundation
import SwiftcornTestKit
import Testing

@Suite("Request limits and malformed input", .serialized)
final class LimitTests {
    let server: TestServer
    let workers: [pid_t]

    init() throws {
        self.server = try TestServer.start(["-w", "2", "--header-timeout", "1s", "--max-body-size", "64KiB"])
        self.workers = try self.server.waitForWorkers(2)
    }

    deinit {
        self.server.stop()
    }

    private func status(of raw: String) throws -> Int {
        let connection = try HTTPTestConnection(port: self.server.port)
        try connection.send(raw)
        return try connection.readResponse().status
    }

    @Test func longRequestLineGets414() throws {
        #expect(try self.status(of: "GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: x\r\n\r\n") == 414)
        // Longer than the decoder's own cap: still told apart from a long header.
        #expect(try self.status(of: "GET /\(String(repeating: "a", count: 100_000)) HTTP/1.1\r\nHost: x\r\n\r\n") == 414)
    }

    @Test func tooManyOrTooLongHeaderFieldsGet431() throws {
        let many = (0..<101).map { "X-H\($0): v\r\n" }.joined()
        #expect(try self.status(of: "GET / HTTP/1.1\r\nHost: x\r\n\(many)\r\n") == 431)
        #expect(try self.status(of: "GET / HTTP/1.1\r\nHost: x\r\nX-Long: \(String(repeating: "b", count: 9000))\r\n\r\n") == 431)
        #expect(try self.status(of: "GET / HTTP/1.1\r\nHost: x\r\nX-Huge: \(String(repeating: "b", count: 200_000))\r\n\r\n") == 431)
        let hundred = (0..<99).map { "X-H\($0): v\r\n" }.joined()
        #expect(try self.status(of: "GET / HTTP/1.1\r\nHost: x\r\n\(hundred)\r\n") == 200)
    }

    @Test func oversizedBodiesGet413() throws {
        #expect(try self.status(of: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\n\r\n") == 413)
        let chunk = String(repeating: "c", count: 40_000)
        let chunked = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n9c40\r\n\(chunk)\r\n9c40\r\n\(chunk)\r\n0\r\n\r\n"
        #expect(try self.status(of: chunked) == 413)
    }

    @Test func slowHeadersGet408() throws {
        let connection = try HTTPTestConnection(port: self.server.port)
        try connection.send("GET / HTTP/1.1\r\nHost: x\r\n")
        #expect(try connection.readResponse().status == 408)
        #expect(connection.isClosedByPeer())
    }

    @Test func ambiguousFramingGets400AndClose() throws {
        let connection = try HTTPTestConnection(port: self.server.port)
        try connection.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        #expect(try connection.readResponse().status == 400)
        #expect(connection.isClosedByPeer())
        #expect(try self.status(of: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") == 400)
        #expect(try self.status(of: "GARBAGE\r\n\r\n") == 400)
        #expect(try self.status(of: "GET / HTTP/1.1\r\n\r\n") == 400)
    }

    @Test func malformedHeadsNeverKillAWorker() throws {
        var generator = SystemRandomNumberGenerator()
        let valid = Array("GET /echo?x=1 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello".utf8)
        let alphabet = Array("\r\n :/?%\0\u{7f}\u{ff}GETPOSTHTTP/1.10123456789abcdef-\t".utf8)
        var answered = 0
        for round in 0..<300 {
            var bytes = valid
            for _ in 0..<(1 + round % 8) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes[position] = alphabet.randomElement(using: &generator)!
                case 1: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                case 2: bytes.remove(at: position)
                default: bytes.insert(contentsOf: bytes[position...].prefix(20), at: position)
                }
            }
            let connection = try HTTPTestConnection(port: self.server.port, timeout: .seconds(3))
            try? connection.send(bytes)
            if let response = try? connection.readResponse() {
                answered += 1
                #expect((200..<600).contains(response.status))
            }
            connection.close()
        }
        #expect(answered > 0)
        #expect(self.server.workerPIDs == self.workers)
        #expect(try self.server.get("/").status == 200)
    }
}
