import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Worker capacity, threads and stuck workers", .serialized)
struct WorkerLimitsTests {
    @Test func workerConnectionsCapsOpenConnections() throws {
        let server = try TestServer.start(["-w", "1", "--worker-connections", "2", "--keepalive", "60s"])
        defer { server.stop() }
        let first = try HTTPTestConnection(port: server.port)
        let second = try HTTPTestConnection(port: server.port)
        #expect(try first.request("GET", "/").status == 200)
        #expect(try second.request("GET", "/").status == 200)
        // The third connection waits in the backlog: the worker does not accept it while full.
        let third = try HTTPTestConnection(port: server.port, timeout: .seconds(1))
        try third.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(throws: (any Error).self) { try third.readResponse() }
        first.close()
        let retry = try HTTPTestConnection(port: server.port, timeout: .seconds(10))
        second.close()
        #expect(try retry.request("GET", "/").status == 200)
    }

    @Test func threadsOptionStartsThatManyEventLoops() throws {
        let server = try TestServer.start(["-w", "1", "--threads", "3"])
        defer { server.stop() }
        let worker = try #require(try server.waitForWorkers(1).first)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(worker)/task")) ?? []).compactMap {
            try? String(contentsOfFile: "/proc/\(worker)/task/\($0)/comm", encoding: .utf8)
        }
        #expect(names.filter { $0.hasPrefix("NIO-SGLTN") }.count == 3)
        for _ in 0..<30 {
            #expect(try server.get("/").status == 200)
        }
    }

    @Test func gracefulTimeoutKillsWhatIsLeft() throws {
        let server = try TestServer.start(["-w", "1", "--graceful-timeout", "1s"])
        defer { server.stop() }
        let worker = try #require(try server.waitForWorkers(1).first)
        let connection = try HTTPTestConnection(port: server.port)
        #expect(try connection.request("GET", "/").status == 200)
        try connection.send("GET /delay?ms=60000 HTTP/1.1\r\nHost: x\r\n\r\n")
        server.signal(SIGTERM)
        #expect(try server.waitForExit(timeout: .seconds(10)) == 0)
        #expect(!ProcFS.isAlive(worker))
    }

    @Test func hungWorkerDoesNotStallTheMaster() throws {
        let server = try TestServer.start(["-w", "2", "--enable-fault-endpoints", "--graceful-timeout", "2s"])
        defer { server.stop() }
        let connections = try server.connectionPerWorker(2)
        let hung = try #require(connections.keys.first { $0.index == 1 })
        let other = try #require(connections.keys.first { $0.index == 2 })
        try connections[hung]!.send("GET /fault/hang HTTP/1.1\r\nHost: x\r\n\r\n")
        // While one worker's event loop is blocked, the master still reaps and respawns.
        kill(other.pid, SIGKILL)
        try server.waitForWorkers(2, excluding: [other.pid])
        #expect(server.workerPIDs.contains(hung.pid))
        server.signal(SIGTERM)
        #expect(try server.waitForExit(timeout: .seconds(10)) == 0)
        #expect(!ProcFS.isAlive(hung.pid))
    }
}
