import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Socket activation", .serialized)
struct SocketActivationTests {
    /// A launcher that does what systemd does: bind, put the socket at fd 3, set LISTEN_PID to
    /// its own pid and exec the server, which keeps that pid.
    static let launcher = """
        import os, socket, sys
        port = int(sys.argv[1])
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen(128)
        os.dup2(s.fileno(), 3)
        os.set_inheritable(3, True)
        env = dict(os.environ, LISTEN_FDS="1", LISTEN_PID=str(os.getpid()), LISTEN_FDNAMES="web")
        os.execve(sys.argv[2], [sys.argv[2]] + sys.argv[3:], env)
        """

    @Test func passedSocketsAreServedInsteadOfBinding() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("activate-\(UUID().uuidString).py").path
        try Self.launcher.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let port = try FreePort.find()
        let unusedBind = try FreePort.find()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "\(port)", TestServer.binaryPath, "-w", "2", "-b", "127.0.0.1:\(unusedBind)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            kill(process.processIdentifier, SIGQUIT)
            process.waitUntilExit()
        }
        try Poll.until("the activated socket answers", timeout: .seconds(20)) {
            let connection = try? HTTPTestConnection(port: port)
            return (try? connection?.request("GET", "/"))??.status == 200
        }
        // The -b address was not bound: the passed socket replaces it.
        #expect(throws: (any Error).self) { try HTTPTestConnection(port: unusedBind) }
        // Workers got the socket through SWIFTCORN_LISTEN_FDS, not systemd's variables.
        let workers = ProcFS.workers(of: process.processIdentifier)
        #expect(workers.count == 2)
        for worker in workers {
            let environment = try String(contentsOfFile: "/proc/\(worker)/environ", encoding: .utf8)
            #expect(environment.contains("SWIFTCORN_LISTEN_FDS="))
            #expect(!environment.contains("LISTEN_PID="))
        }
    }
}
