import Foundation
import SwiftcornTestKit
import Testing

@Suite("Connection handover: keep-alive connections outlive a recycled worker", .serialized)
struct ConnectionHandoverTests {
    static func start(maxRequests: Int, _ extra: [String] = []) throws -> TestServer {
        let server = try TestServer.start(
            ["-w", "1", "--max-requests", "\(maxRequests)", "--max-requests-jitter", "0", "--access-logfile", "none"] + extra
        )
        try server.waitForWorkers(1)
        return server
    }

    @Test("A keep-alive connection passes from each retiring worker to its replacement")
    func keepAliveConnectionSurvivesRecycling() throws {
        let server = try Self.start(maxRequests: 5)
        defer { server.stop() }
        let metricsPort = try #require(server.metricsPort)
        let acceptedBefore = try MetricsScrape.fetch(port: metricsPort).exposition().sum(of: "swiftcorn_connections_accepted_total")
        let connection = try HTTPTestConnection(port: server.port)
        defer { connection.close() }
        var pids: [Int32] = []
        let deadline = ContinuousClock.now + .seconds(30)
        // Any close by the server would make the next request throw.
        while Set(pids).count < 4 && ContinuousClock.now < deadline {
            let response = try connection.request("GET", "/worker")
            #expect(response.status == 200)
            #expect(response.header("connection") == nil, "request \(pids.count + 1) was answered with Connection: close")
            pids.append(try WorkerIdentity(response).pid)
        }
        #expect(Set(pids).count >= 4, "one connection saw \(Set(pids).count) workers in \(pids.count) requests")
        // Each worker served its requests in one run: the connection moved forward only.
        #expect(pids.indices.dropFirst().filter { pids[$0] != pids[$0 - 1] }.count == Set(pids).count - 1)
        // One connection was accepted, however many workers it passed through.
        let accepted = try MetricsScrape.fetch(port: metricsPort).exposition().sum(of: "swiftcorn_connections_accepted_total")
        #expect(accepted == acceptedBefore + 1)
    }

    // The worker knows where each request ended, whatever the read held: a request with a
    // body leaves the connection as passable as one without.
    @Test("A connection whose requests carry bodies passes on too")
    func connectionWithBodiesSurvivesRecycling() throws {
        let server = try Self.start(maxRequests: 3)
        defer { server.stop() }
        let connection = try HTTPTestConnection(port: server.port)
        defer { connection.close() }
        var pids: [Int32] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while Set(pids).count < 3 && ContinuousClock.now < deadline {
            let response = try connection.request("POST", "/worker", body: Array("hello".utf8))
            #expect(response.status == 200)
            #expect(response.header("connection") == nil, "request \(pids.count + 1) was answered with Connection: close")
            pids.append(try WorkerIdentity(response).pid)
        }
        #expect(Set(pids).count >= 3, "one connection saw \(Set(pids).count) workers in \(pids.count) requests")
    }

    // The request's end and a pipelined request arrive in one read, after its response went
    // out (the app answered before reading the body): the connection cannot be passed on with
    // the pipelined request read, so that request is served here, with `Connection: close`.
    @Test("A request pipelined behind a request's end in the same read is answered")
    func pipelinedRequestInTheEndingReadIsAnswered() throws {
        let server = try Self.start(maxRequests: 2)
        defer { server.stop() }
        let pipelined = try HTTPTestConnection(port: server.port)
        defer { pipelined.close() }
        try pipelined.send("POST /worker HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n12345")
        let first = try WorkerIdentity(pipelined.readResponse())
        // Another connection spends the worker's requests (the POST has not ended, so it does
        // not count yet); once that connection is served by the replacement, the worker that
        // holds the POST is draining.
        let other = try HTTPTestConnection(port: server.port)
        defer { other.close() }
        try Poll.until("the other connection served by the replacement", timeout: .seconds(20)) {
            try other.worker().pid != first.pid
        }
        try pipelined.send("67890GET /worker HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let answer = try pipelined.readResponse()
        #expect(answer.status == 200)
        _ = try WorkerIdentity(answer)
    }

    @Test("A connection passed while idle gets the keep-alive timeout, not the first request's")
    func passedIdleConnectionKeepsTheKeepAliveTimeout() throws {
        let server = try Self.start(maxRequests: 1, ["--keepalive", "3s", "--header-timeout", "60s"])
        defer { server.stop() }
        let connection = try HTTPTestConnection(port: server.port, timeout: .seconds(30))
        defer { connection.close() }
        // The request spends the worker's budget; the connection then waits, idle, and is
        // passed to the replacement while idle.
        let first = try connection.worker()
        let start = ContinuousClock.now
        #expect(connection.isClosedByPeer())
        let idle = ContinuousClock.now - start
        // A worker that drains without passing closes an idle connection after 0.5 s.
        #expect(idle >= .milliseconds(2900), "closed after \(idle): not passed on")
        #expect(idle < .seconds(20), "closed after \(idle): the header timeout, not the keep-alive one")
        let other = try HTTPTestConnection(port: server.port)
        defer { other.close() }
        #expect(try other.worker().pid != first.pid)
    }
}
