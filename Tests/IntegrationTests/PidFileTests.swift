import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Pidfile", .serialized)
struct PidFileTests {
    @Test func pidfileIsWrittenAndRemoved() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-\(UUID().uuidString).pid").path
        let server = try TestServer.start(["-w", "1", "--pid", path])
        defer { server.stop() }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) == server.pid)
        server.signal(SIGTERM)
        #expect(try server.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
