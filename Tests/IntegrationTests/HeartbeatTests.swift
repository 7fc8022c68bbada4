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

    @Test("a replacement and the worker it replaces stamp different heartbeat slots")
    func handOverUsesSeparateSlots() throws {
        // Executed workers: /proc/PID/environ shows the environment a process was executed with,
        // which a forked worker rewrites after the fact with setenv (the master lends the slots
        // alike either way).
        let server = try TestServer.start(["-w", "2", "--max-requests", "40", "--access-logfile", "none", "--worker-start", "exec"])
        defer { server.stop() }
        let load = try LoadRun(port: server.port, connections: 4, duration: .seconds(4))
        var sharedIndexSeen = false
        var slotsSeen = 0
        var clashes: [String] = []
        let deadline = ContinuousClock.now + .seconds(4)
        while ContinuousClock.now < deadline {
            var slots: [String: Int32] = [:]
            var indices: [String: Int] = [:]
            for pid in server.workerPIDs {
                let environment = ProcFS.environment(of: pid)
                guard let slot = environment["SWIFTCORN_WORKER_SLOT"], let index = environment["SWIFTCORN_WORKER_INDEX"] else { continue }
                slotsSeen += 1
                if let other = slots[slot] { clashes.append("pids \(other) and \(pid) share slot \(slot)") }
                slots[slot] = pid
                indices[index, default: 0] += 1
            }
            if indices.values.contains(where: { $0 > 1 }) { sharedIndexSeen = true }
        }
        _ = try load.finish()
        #expect(slotsSeen > 0, "workers carry SWIFTCORN_WORKER_SLOT")
        #expect(clashes.isEmpty, "\(clashes.prefix(3))")
        #expect(sharedIndexSeen, "no hand-over was observed; recycling every 40 requests should show one")
    }
}
