import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// USR2: a new master on the same sockets, then the old one leaves, with no request lost.
@Suite("Binary upgrade", .serialized)
struct UpgradeTests {
    /// The pid in `path`, if any.
    static func pid(in path: String) -> pid_t? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Stops a master the kit did not start (the new one), and its workers.
    static func stopMaster(_ pid: pid_t) {
        let workers = ProcFS.children(of: pid)
        kill(pid, SIGQUIT)
        _ = try? Poll.until("new master \(pid) stops", timeout: .seconds(5)) { !ProcFS.isAlive(pid) }
        kill(pid, SIGKILL)
        for worker in workers { kill(worker, SIGKILL) }
    }

    @Test("USR2 then QUIT to the old master under load: 0 failed requests, the new master serves")
    func upgradeUnderLoad() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pidfile = directory.appendingPathComponent("swiftcorn.pid").path
        let server = try TestServer.start(["-w", "2", "--pid", pidfile, "--access-logfile", "none"])
        defer { server.stop() }
        let oldWorkers = try server.waitForWorkers(2)
        let load = try LoadRun(port: server.port, connections: 16, duration: .seconds(12))
        try server.waitForServedRequests(1000)

        server.signal(SIGUSR2)
        var newMaster: pid_t = 0
        try Poll.until("the new master's pidfile and the old one's .oldbin", timeout: .seconds(10)) {
            guard let pid = Self.pid(in: pidfile), pid != server.pid else { return false }
            newMaster = pid
            return Self.pid(in: pidfile + ".oldbin") == server.pid
        }
        defer { Self.stopMaster(newMaster) }
        try Poll.until("the new master's workers", timeout: .seconds(20)) { ProcFS.workers(of: newMaster).count == 2 }
        // Both generations accept on the same sockets for a while; then the old master leaves.
        Thread.sleep(forTimeInterval: 2)
        server.signal(SIGQUIT)
        #expect(try server.waitForExit(timeout: .seconds(20)) == 0)
        #expect(oldWorkers.allSatisfy { !ProcFS.isAlive($0) })
        #expect(!FileManager.default.fileExists(atPath: pidfile + ".oldbin"))
        #expect(Self.pid(in: pidfile) == newMaster)

        let summary = try load.finish()
        #expect(summary.requests > 1000)
        #expect(summary.socketErrors == 0, "\(summary.text)")
        #expect(summary.non2xx == 0)
        let newWorkers = Set(ProcFS.workers(of: newMaster))
        let answer = try WorkerIdentity(HTTPTestConnection(port: server.port).request("GET", "/worker"))
        #expect(newWorkers.contains(answer.pid))
    }

    @Test("upgrade_auto_stop: the new master stops the old one once it serves, and takes over the side port")
    func autoStop() throws {
        let server = try TestServer.start(["-w", "1", "--upgrade-auto-stop"])
        defer { server.stop() }
        let metricsPort = try #require(server.metricsPort)
        server.signal(SIGUSR2)
        #expect(try server.waitForExit(timeout: .seconds(20)) == 0)
        // The old master's child, the new one, was handed to init (or a subreaper) when it left.
        let newMaster = try #require(
            ProcFS.children(of: 1).first { ProcFS.isAlive($0) && Self.commandLine($0).contains("127.0.0.1:\(server.port)") }
                ?? Self.process(serving: server.port)
        )
        defer { Self.stopMaster(newMaster) }
        #expect(newMaster != server.pid)
        try Poll.until("the side port back, served by the new master", timeout: .seconds(10)) {
            let stats = try? MetricsScrape.fetch(port: metricsPort, path: "/stats").json() as? [String: Any]
            return (stats?["master"] as? [String: Any])?["pid"] as? Int == Int(newMaster)
        }
        #expect(try server.get("/").status == 200)
    }

    static func commandLine(_ pid: pid_t) -> String {
        let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
        return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
    }

    /// The master whose command line binds `port`, wherever it was reparented.
    static func process(serving port: Int) -> pid_t? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.first { pid in
            let line = Self.commandLine(pid)
            return line.contains("127.0.0.1:\(port)") && !line.contains("worker") && line.contains("swiftcorn")
        }
    }
}
