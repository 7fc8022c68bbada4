import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("HUP rolling reload", .serialized)
struct ReloadTests {
    @Test func reloadUnderLoadReplacesEveryWorkerWithoutFailures() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-hup-\(UUID().uuidString).yaml").path
        try "workers: 2\naccess_log: none\nmax_body_size: 1KiB\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server = try TestServer.start(["-c", path])
        defer { server.stop() }
        let before = Set(try server.waitForWorkers(2))
        #expect(try HTTPTestConnection(port: server.port).request("POST", "/echo", body: Array(repeating: 65, count: 2000)).status == 413)
        let load = try LoadRun(port: server.port, connections: 16, duration: .seconds(10))
        Thread.sleep(forTimeInterval: 2)
        try "workers: 3\naccess_log: none\nmax_body_size: 4KiB\n".write(toFile: path, atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        try server.waitForWorkers(3, excluding: before)
        // Every old worker has exited, not merely been joined by new ones.
        try Poll.until("the old workers' exit", timeout: .seconds(20)) { before.allSatisfy { !ProcFS.isAlive($0) } }
        let summary = try load.finish()
        #expect(summary.socketErrors == 0 && summary.non2xx == 0, "\(summary.text)")
        #expect(summary.requests > 1000)
        // The new configuration is in effect in the new workers.
        #expect(try HTTPTestConnection(port: server.port).request("POST", "/echo", body: Array(repeating: 65, count: 2000)).status == 200)
        #expect(server.log.components(separatedBy: "\"reason\":\"reload\"").count - 1 == 2)
    }
}
