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
        try server.waitForServedRequests(1000)
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

    @Test("each HUP replaces the master's error-log writer: no thread or descriptor is left behind")
    func reloadsLeaveNoWriterBehind() throws {
        let errorLog = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-hup-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: errorLog) }
        let server = try TestServer.start(["-w", "1", "--error-logfile", errorLog, "--access-logfile", "none"])
        defer { server.stop() }
        var workers = Set(try server.waitForWorkers(1))
        let threadsBefore = Self.threadCount(of: server.pid)
        for reload in 1...3 {
            server.signal(SIGHUP)
            workers = Set(try server.waitForWorkers(1, excluding: workers))
            try Poll.until("reload \(reload) logged", timeout: .seconds(10)) {
                let log = (try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? ""
                return log.components(separatedBy: "reloading: rolling the workers").count - 1 == reload
            }
        }
        let openOnTheLog = ProcFS.openDescriptors(of: server.pid).values.filter { $0 == errorLog }
        #expect(openOnTheLog.count == 1, "the master holds \(openOnTheLog.count) descriptors on its error log")
        #expect(Self.threadCount(of: server.pid) == threadsBefore)
    }

    static func threadCount(of pid: pid_t) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []).count
    }
}
