import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Fork server: how workers are started", .serialized)
struct ForkServerTests {
    @Test("Workers are forked by the fork server, yet are the master's children with their own titles")
    func workersAreForkedChildrenOfTheMaster() throws {
        let server = try TestServer.start(["-w", "2"])
        defer { server.stop() }
        let workers = try server.waitForWorkers(2)
        let forkServer = try #require(ProcFS.forkServer(of: server.pid))
        #expect(!workers.contains(forkServer))
        #expect(Set(workers.map { ProcFS.commandLine(of: $0) }) == ["swiftcorn: worker 1", "swiftcorn: worker 2"])
        // The workers are the master's children (the intermediate process exited), so a
        // connection to each reaches the pid the master knows.
        let connections = try server.connectionPerWorker(2)
        #expect(Set(connections.keys.map(\.pid)) == Set(workers))
    }

    @Test("The fork server binds symbols eagerly, unless LD_BIND_NOW was set already")
    func forkServerBindsEagerly() throws {
        let server = try TestServer.start(["-w", "1"])
        defer { server.stop() }
        try server.waitForWorkers(1)
        let forkServer = try #require(ProcFS.forkServer(of: server.pid))
        #expect(ProcFS.environment(of: forkServer)["LD_BIND_NOW"] == "swiftcorn-fork-server")
        #expect(ProcFS.environment(of: server.pid)["LD_BIND_NOW"] == nil)

        let userSet = try TestServer.start(["-w", "1"], environment: ["LD_BIND_NOW": "1"])
        defer { userSet.stop() }
        try userSet.waitForWorkers(1)
        let userForkServer = try #require(ProcFS.forkServer(of: userSet.pid))
        #expect(ProcFS.environment(of: userForkServer)["LD_BIND_NOW"] == "1")
    }

    #if arch(x86_64)
    /// The thread `fork` returned in carries the fork server's cached thread id, which Swift's
    /// `Mutex` and `swift_once` write into lock words: a worker running on it crashes or hangs
    /// when such a lock is contended. It must only park.
    @Test("A forked worker runs on a new thread; the thread fork returned in is parked in pause()")
    func forkedThreadIsParked() throws {
        let server = try TestServer.start(["-w", "1"])
        defer { server.stop() }
        let worker = try #require(try server.waitForWorkers(1).first)
        #expect(try server.get("/").status == 200)
        let syscall = try String(contentsOfFile: "/proc/\(worker)/task/\(worker)/syscall", encoding: .utf8)
        let pauseOnX86_64 = "34"  // __NR_pause; Glibc does not export SYS_pause to Swift
        #expect(syscall.split(separator: " ").first.map(String.init) == pauseOnX86_64)
    }
    #endif

    @Test("--worker-start exec runs no fork server")
    func execStartHasNoForkServer() throws {
        let server = try TestServer.start(["-w", "2", "--worker-start", "exec"])
        defer { server.stop() }
        try server.waitForWorkers(2)
        #expect(ProcFS.forkServer(of: server.pid) == nil)
        #expect(ProcFS.children(of: server.pid).count == 2)
        #expect(try server.get("/").status == 200)
    }

    @Test("A fork server that dies is given up: the next worker is executed, with a warning")
    func deadForkServerFallsBackToExec() throws {
        let server = try TestServer.start(["-w", "1"])
        defer { server.stop() }
        let first = try server.waitForWorkers(1)
        let forkServer = try #require(ProcFS.forkServer(of: server.pid))
        kill(forkServer, SIGKILL)
        try Poll.until("the fork server reaped", timeout: .seconds(10)) { !FileManager.default.fileExists(atPath: "/proc/\(forkServer)") }
        server.signal(SIGTTIN)
        let workers = try server.waitForWorkers(2)
        #expect(workers.contains(first[0]))
        try Poll.until("the warning", timeout: .seconds(10)) { server.log.contains("fork server failed; workers are executed instead") }
        #expect(ProcFS.forkServer(of: server.pid) == nil)
        let connections = try server.connectionPerWorker(2)
        #expect(Set(connections.keys.map(\.index)) == [1, 2])
    }

    @Test("HUP starts a fork server for the new configuration; the old one exits and is reaped")
    func reloadReplacesTheForkServer() throws {
        let server = try TestServer.start(["-w", "2"])
        defer { server.stop() }
        let oldWorkers = try server.waitForWorkers(2)
        let oldForkServer = try #require(ProcFS.forkServer(of: server.pid))
        server.signal(SIGHUP)
        try server.waitForWorkers(2, excluding: Set(oldWorkers))
        let newForkServer = try #require(ProcFS.forkServer(of: server.pid))
        #expect(newForkServer != oldForkServer)
        try Poll.until("the old fork server exited and reaped", timeout: .seconds(10)) {
            !FileManager.default.fileExists(atPath: "/proc/\(oldForkServer)")
        }
        #expect(ProcFS.children(of: server.pid).count == 3)
    }

    @Test("The fork server stops with the master")
    func forkServerStopsWithTheMaster() throws {
        let server = try TestServer.start(["-w", "1"])
        try server.waitForWorkers(1)
        let forkServer = try #require(ProcFS.forkServer(of: server.pid))
        server.signal(SIGTERM)
        #expect(try server.waitForExit() == 0)
        try Poll.until("the fork server gone", timeout: .seconds(5)) { !ProcFS.isAlive(forkServer) }
        server.stop()
    }

    @Test("A descriptor opened before Swiftcorn.main turns the fork server down: workers are executed")
    func descriptorOpenedBeforeMainFallsBackToExec() throws {
        let server = try TestServer.start(["-w", "2"], environment: ["SWIFTCORN_TEST_OPEN_BEFORE_MAIN": "1"], binary: TestServer.testAppPath)
        defer { server.stop() }
        try server.waitForWorkers(2)
        try Poll.until("the warning", timeout: .seconds(10)) { server.log.contains("descriptors were opened before Swiftcorn.main") }
        try Poll.until("the fork server gone", timeout: .seconds(10)) { ProcFS.forkServer(of: server.pid) == nil }
        let connections = try server.connectionPerWorker(2)
        #expect(Set(connections.keys.map(\.index)) == [1, 2])
    }
}
