import Dispatch
import Foundation
import SwiftcornTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Log file rotation", .serialized)
struct LogRotationTests {
    /// Every line of `path` and its rotated siblings, decompressed, oldest file first.
    static func lines(of path: String) throws -> [Substring] {
        let directory = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(base) }
        var lines: [Substring] = []
        for name in names {
            let full = "\(directory)/\(name)"
            let data: Data
            if name.hasSuffix(".gz") {
                let result = try CommandRun.run("/bin/gzip", ["-dc", full])
                data = Data(result.output.utf8)
            } else {
                data = try Data(contentsOf: URL(fileURLWithPath: full))
            }
            lines += String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        }
        return lines
    }

    @Test func rotationUnderLoadLosesSplitsAndDuplicatesNothing() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-rotate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("access.log").path
        let server = try TestServer.start([
            "-w", "2", "--access-logfile", path, "--log-max-size", "512KiB", "--log-keep", "1000", "--log-compress",
        ])
        defer { server.stop() }
        let clients = 4
        let perClient = 12_500
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: clients) { client in
            do {
                let connection = try HTTPTestConnection(port: server.port)
                for index in 0..<perClient {
                    if client == 0 && index == perClient / 2 {
                        // An outside logrotate's reopen in the middle of the automatic rotations.
                        server.signal(SIGUSR1)
                    }
                    let response = try connection.request("GET", "/?load=\(client)-\(index)", headers: [("User-Agent", "rotation-test")])
                    if response.status != 200 { failures.add() }
                }
            } catch {
                failures.add()
            }
        }
        #expect(failures.count == 0)
        server.signal(SIGTERM)
        #expect(try server.waitForExit() == 0)
        // gzip children may still be finishing the last rotated files.
        try Poll.until("compression to settle", timeout: .seconds(20)) {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            return !names.contains { name in name.hasSuffix(".gz") && names.contains(String(name.dropLast(3))) }
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(files.count >= 11, "expected at least 10 rotations, found \(files.sorted())")
        #expect(files.contains { $0.hasSuffix(".gz") })
        var ids = Set<String>()
        var loadRecords = 0
        for line in try Self.lines(of: path) {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                "unparsable line: \(line.prefix(200))"
            )
            guard object["user_agent"] as? String == "rotation-test" else { continue }
            loadRecords += 1
            ids.insert(try #require(object["request_id"] as? String))
        }
        #expect(loadRecords == clients * perClient)
        #expect(ids.count == clients * perClient)
    }
}

/// A thread-safe failure counter for load loops.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func add() {
        self.lock.lock()
        self.value += 1
        self.lock.unlock()
    }

    var count: Int {
        self.lock.lock()
        defer { self.lock.unlock() }
        return self.value
    }
}
