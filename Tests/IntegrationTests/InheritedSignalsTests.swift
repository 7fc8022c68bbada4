import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Signals a parent left ignored", .serialized)
struct InheritedSignalsTests {
    /// Starts the server with SIGCHLD and SIGTERM ignored, as exec passes them on.
    static let launcher = """
        import os, signal, sys
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        os.execv(sys.argv[1], sys.argv[1:])
        """

    @Test("A master started with SIGCHLD ignored still sees a worker die, and respawns it")
    func ignoredChildSignalIsRestored() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("ignore-\(UUID().uuidString).py").path
        try Self.launcher.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let port = try FreePort.find()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", script, TestServer.binaryPath, "-w", "1", "-b", "127.0.0.1:\(port)", "--metrics-bind", "none",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let master = process.processIdentifier
        defer {
            // A master that cannot reap its workers would never exit on QUIT.
            kill(master, SIGQUIT)
            if (try? Poll.until("the master exits", timeout: .seconds(10)) { !process.isRunning }) == nil {
                kill(master, SIGKILL)
            }
            process.waitUntilExit()
        }
        // A worker that has taken its title (a child still starting is not one yet).
        func workers() -> [pid_t] {
            ProcFS.children(of: master).filter { ProcFS.commandLine(of: $0).contains(": worker ") }
        }
        var first: pid_t = 0
        try Poll.until("a worker", timeout: .seconds(20)) {
            first = workers().first ?? 0
            return first > 0
        }
        let status = try String(contentsOfFile: "/proc/\(master)/status", encoding: .utf8)
        let ignored = status.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }.flatMap {
            UInt64($0.split(separator: "\t").last ?? "", radix: 16)
        }
        #expect(ignored.map { $0 & (1 << UInt64(SIGCHLD - 1)) } == 0)
        #expect(ignored.map { $0 & (1 << UInt64(SIGTERM - 1)) } == 0)
        kill(first, SIGKILL)
        try Poll.until("a new worker in the dead one's place", timeout: .seconds(20)) {
            let now = workers()
            return now.count == 1 && now[0] != first
        }
        // And TERM, ignored by the parent, still stops the master gracefully.
        kill(master, SIGTERM)
        try Poll.until("the master exits on TERM", timeout: .seconds(20)) { !process.isRunning }
        #expect(process.terminationStatus == 0)
    }
}
