import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Scaling with TTIN and TTOU", .serialized)
struct ScalingTests {
    @Test func workerCountFollowsSignalsUnderLoadWithoutFailures() throws {
        let server = try TestServer.start(["-w", "2", "--access-logfile", "none"])
        defer { server.stop() }
        let initial = try server.waitForWorkers(2)
        let load = try LoadRun(port: server.port, connections: 16, duration: .seconds(10))
        try server.waitForServedRequests(500)
        server.signal(SIGTTIN)
        try server.waitForWorkers(3)
        server.signal(SIGTTIN)
        let four = try server.waitForWorkers(4)
        #expect(Set(initial).isSubset(of: Set(four)))
        server.signal(SIGTTOU)
        let three = try server.waitForWorkers(3)
        #expect(Set(three).isSubset(of: Set(four)))
        let summary = try load.finish()
        #expect(summary.socketErrors == 0 && summary.non2xx == 0, "\(summary.text)")
        #expect(summary.requests > 1000)
        #expect(server.log.contains("\"reason\":\"scale_down\""))
        // Signals of one kind coalesce while pending: one at a time, each awaited.
        server.signal(SIGTTOU)
        try server.waitForWorkers(2)
        server.signal(SIGTTOU)
        try server.waitForWorkers(1)
        server.signal(SIGTTOU)
        try Poll.until("the refusal to go below one", timeout: .seconds(10)) { server.log.contains("not removing the last worker") }
        #expect(server.workerPIDs.count == 1)
        #expect(try server.get("/").status == 200)
    }
}
