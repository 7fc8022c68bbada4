import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("max_requests recycling", .serialized)
struct RecyclingTests {
    @Test func workersRecycleUnderLoadWithoutFailures() throws {
        let server = try TestServer.start(["-w", "2", "--max-requests", "500", "--max-requests-jitter", "50", "--access-logfile", "none"])
        defer { server.stop() }
        let initial = Set(try server.waitForWorkers(2))
        let load = try LoadRun(port: server.port, connections: 16, duration: .seconds(10))
        let summary = try load.finish()
        #expect(summary.socketErrors == 0 && summary.non2xx == 0, "\(summary.text)")
        let recycled = server.log.components(separatedBy: "\"reason\":\"max_requests\"").count - 1
        // A worker retires after at least 500 requests, and keeps serving (a few more) until its
        // replacement accepts, so recycles are bounded above by the budget and happen many times.
        #expect(recycled <= summary.requests / 500 + 2, "\(recycled) recycles for \(summary.requests) requests")
        #expect(recycled >= 10)
        let now = try server.waitForWorkers(2)
        #expect(initial.isDisjoint(with: now))
        #expect(try server.get("/").status == 200)
    }
}
