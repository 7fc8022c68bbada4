import Foundation
import SwiftcornTestKit

/// Which worker answered on a connection, from the demo's `/worker`.
struct WorkerIdentity: Hashable {
    let index: Int
    let pid: Int32

    init(_ response: HTTPTestResponse) throws {
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Int]
        guard let index = object?["worker"], let pid = object?["pid"] else {
            throw TestSocketError.malformedResponse("not a /worker answer: \(response.text)")
        }
        self.index = index
        self.pid = Int32(pid)
    }
}

extension HTTPTestConnection {
    /// The worker serving this keep-alive connection.
    func worker() throws -> WorkerIdentity {
        try WorkerIdentity(self.request("GET", "/worker"))
    }
}

extension TestServer {
    /// Opens keep-alive connections until one lands on each of `count` workers.
    func connectionPerWorker(_ count: Int) throws -> [WorkerIdentity: HTTPTestConnection] {
        var found: [WorkerIdentity: HTTPTestConnection] = [:]
        try Poll.until("a connection on each of \(count) workers", timeout: .seconds(20), interval: .milliseconds(1)) {
            let connection = try HTTPTestConnection(port: self.port)
            let identity = try connection.worker()
            if found[identity] == nil { found[identity] = connection }
            return found.count == count
        }
        return found
    }
}

/// A `wrk` run in the background, for tests that need load while something happens.
final class LoadRun {
    let process = Process()
    let output = Pipe()

    init(port: Int, path: String = "/", connections: Int = 16, duration: Duration) throws {
        self.process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        self.process.arguments = ["-t1", "-c\(connections)", "-d\(duration.components.seconds)s", "http://127.0.0.1:\(port)\(path)"]
        self.process.standardOutput = self.output
        self.process.standardError = self.output
        try self.process.run()
    }

    /// Waits for wrk to finish and reads its summary.
    func finish() throws -> LoadSummary {
        let data = self.output.fileHandleForReading.readDataToEndOfFile()
        self.process.waitUntilExit()
        return try LoadSummary(String(decoding: data, as: UTF8.self))
    }
}

/// What wrk reported.
struct LoadSummary {
    let requests: Int
    let socketErrors: Int
    let non2xx: Int
    let text: String

    init(_ text: String) throws {
        self.text = text
        func number(after label: String, in line: Substring) -> Int {
            guard let range = line.range(of: label) else { return 0 }
            return Int(line[range.upperBound...].prefix { $0.isNumber }) ?? 0
        }
        var requests = 0
        var errors = 0
        var non2xx = 0
        for line in text.split(separator: "\n") {
            if line.contains("requests in") {
                requests = Int(line.trimmingCharacters(in: .whitespaces).prefix { $0.isNumber }) ?? 0
            }
            if line.contains("Socket errors:") {
                errors = ["connect ", "read ", "write ", "timeout "].map { number(after: $0, in: line) }.reduce(0, +)
            }
            if line.contains("Non-2xx or 3xx responses:") {
                non2xx = number(after: "responses: ", in: line)
            }
        }
        guard requests > 0 else { throw TestSocketError.malformedResponse("wrk output without a request count:\n\(text)") }
        self.requests = requests
        self.socketErrors = errors
        self.non2xx = non2xx
    }
}
