import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// gunicorn's server hooks, each firing once per event, in the right process. The test app
/// records every call in the file `SWIFTCORN_TEST_HOOK_LOG` names.
@Suite("Server hooks", .serialized)
struct HooksTests {
    /// The hook log's lines.
    static func lines(_ file: URL) -> [String] {
        ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    static func count(_ file: URL, _ prefix: String) -> Int {
        Self.lines(file).filter { $0.hasPrefix(prefix) }.count
    }

    @Test("master and worker hooks through start, requests, TTIN, HUP, a timeout and TERM")
    func hooksFireOncePerEvent() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-hooks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let hookLog = directory.appendingPathComponent("hooks.log")
        let accessLog = directory.appendingPathComponent("access.log")
        let server = try TestServer.start(
            ["-w", "2", "--timeout", "2s", "--enable-fault-endpoints", "--access-logfile", accessLog.path],
            environment: ["SWIFTCORN_TEST_HOOK_LOG": hookLog.path],
            binary: TestServer.testAppPath
        )
        defer { server.stop() }
        let master = "pid=\(server.pid)"
        try Poll.until("when_ready and both post_worker_init", timeout: .seconds(10)) {
            Self.count(hookLog, "when_ready") == 1 && Self.count(hookLog, "post_worker_init") == 2
        }
        let workers = try server.waitForWorkers(2)
        #expect(Self.lines(hookLog).contains("on_starting \(master)"))
        #expect(Self.lines(hookLog).contains("when_ready \(master)"))
        for index in [1, 2] {
            #expect(Self.count(hookLog, "post_worker_init worker=\(index) ") == 1)
        }
        #expect(
            Set(Self.lines(hookLog).filter { $0.hasPrefix("post_worker_init") }.map { $0.split(separator: "=").last.map(String.init) ?? "" })
                == Set(workers.map { String($0) })
        )

        // preRequest and postRequest run for every request; postRequest's fields reach the record.
        for status in [200, 404, 503] {
            _ = try server.get("/status/\(status)")
        }
        try Poll.until("records with the hook's fields", timeout: .seconds(10)) {
            let records = ((try? String(contentsOf: accessLog, encoding: .utf8)) ?? "").split(separator: "\n")
            return ["200", "404", "503"].allSatisfy { status in
                records.contains {
                    $0.contains("\"status\":\(status),") && $0.contains("\"hook_status\":\"\(status)\"") && $0.contains("\"hook_pre_requests\":\"")
                }
            }
        }

        server.signal(SIGTTIN)
        try Poll.until("workers_changed and a third post_worker_init", timeout: .seconds(10)) {
            Self.count(hookLog, "workers_changed new=3 old=2 \(master)") == 1 && Self.count(hookLog, "post_worker_init worker=3 ") == 1
        }

        // A reload applies the configuration again: back to the 2 workers of `-w 2`.
        let beforeReload = try server.waitForWorkers(3)
        server.signal(SIGHUP)
        func reloadExits() -> [String] {
            Self.lines(hookLog).filter { line in line.hasPrefix("child_exit") && beforeReload.contains { line.contains("pid=\($0) ") } }
        }
        try Poll.until("on_reload and the three old workers' exits", timeout: .seconds(20)) { reloadExits().count == 3 }
        #expect(Self.count(hookLog, "on_reload \(master)") == 1)
        #expect(Self.count(hookLog, "workers_changed new=2 old=3 \(master)") == 1)
        #expect(reloadExits().filter { $0.contains("reason=reload") }.count >= 2)
        // Each old worker ran its exit hook in its own process before leaving.
        let exitHooks = Self.lines(hookLog).filter { $0.hasPrefix("worker_exit") }
        #expect(beforeReload.allSatisfy { pid in exitHooks.contains { $0.hasSuffix("pid=\(pid)") } })

        _ = try server.waitForWorkers(2, excluding: Set(beforeReload))
        let connections = try server.connectionPerWorker(2)
        let hung = try #require(connections.keys.first { $0.index == 2 })
        try connections[hung]!.send("GET /fault/hang HTTP/1.1\r\nHost: x\r\n\r\n")
        try Poll.until("worker_abort in the hung worker", timeout: .seconds(10)) {
            Self.lines(hookLog).contains("worker_abort worker=2 pid=\(hung.pid)")
        }
        try Poll.until("the timeout's child_exit", timeout: .seconds(10)) {
            Self.lines(hookLog).contains { $0.hasPrefix("child_exit worker=2 pid=\(hung.pid) reason=timeout") }
        }
        let survivors = try server.waitForWorkers(2, excluding: [hung.pid])
        try Poll.until("the replacement's post_worker_init", timeout: .seconds(10)) {
            survivors.allSatisfy { pid in Self.lines(hookLog).contains { $0.hasPrefix("post_worker_init") && $0.hasSuffix("pid=\(pid)") } }
        }
        server.signal(SIGTERM)
        #expect(try server.waitForExit() == 0)
        let final = Self.lines(hookLog)
        #expect(final.filter { $0.hasPrefix("on_exit") } == ["on_exit \(master)"])
        for pid in survivors {
            #expect(final.contains { $0.hasPrefix("worker_exit") && $0.hasSuffix("pid=\(pid)") })
        }
        #expect(final.last == "on_exit \(master)")
    }
}
