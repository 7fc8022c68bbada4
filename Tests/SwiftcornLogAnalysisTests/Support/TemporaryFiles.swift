import Foundation

/// Temporary files for source tests, removed by the caller.
enum TemporaryFiles {
    /// A new empty directory.
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-logs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `bytes` to `name` in `directory`.
    @discardableResult
    static func write(_ bytes: [UInt8], _ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// Compresses `bytes` with the system gzip.
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = try Self.write(bytes, "input", in: directory)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
        process.arguments = ["-k", "-6", input.path]
        try process.run()
        process.waitUntilExit()
        return Array(try Data(contentsOf: directory.appendingPathComponent("input.gz")))
    }
}
