import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Heartbeat timeout", .serialized)
struct HeartbeatTests {
    @Test func hungWorkerIsAbortedLoggedAndReplaced() throws {
        let server = try TestServer.start(["-w", "2", "--enable-fault-endpoints", "--timeout", "2s"])
        defer { server.stop() }
        let connections = try server.connectionPerWorker(2)
        let hung = try #require(connections.keys.first { $0.index == 1 })
        let healthy = try #require(connections.keys.first { $0.index == 2 })
        let hangStarted = ContinuousClock.now
        try connections[hung]!.send("GET /fault/hang HTTP/1.1\r\nHost: x\r\nX-Request-ID: hang-request-1\r\n\r\n")
        // Other requests keep succeeding while the hung worker waits for its timeout.
        #expect(try connections[healthy]!.request("GET", "/").status == 200)
        try Poll.until("the hung worker's death", timeout: .seconds(10)) { !ProcFS.isAlive(hung.pid) }
        let elapsed = ContinuousClock.now - hangStarted
        #expect(elapsed < .seconds(5), "killed after \(elapsed); timeout 2s, checked every 250 ms, 2 s abort grace")
        try server.waitForWorkers(2, excluding: [hung.pid])
        try Poll.until("the records", timeout: .seconds(10)) {
            server.log.contains("\"reason\":\"timeout\"") && server.log.contains("heartbeat timeout")
        }
        let log = server.log
        #expect(log.contains("\"message\":\"worker timeout\""))
        #expect(log.contains("GET /fault/hang request_id=hang-request-1"))
        for _ in 0..<10 {
            #expect(try server.get("/").status == 200)
        }
    }
}
