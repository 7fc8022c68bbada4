import Foundation
import Testing

@testable import SwiftcornLogAnalysis

/// Runs the built `swiftcorn-logs` binary on the fixture: stdin, gzip, formats, filters, exit codes.
@Suite struct CommandLineTests {
    /// The binary next to the test bundle, or `SWIFTCORN_LOGS_BIN`.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["SWIFTCORN_LOGS_BIN"] {
            return path
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("swiftcorn-logs").path
    }

    /// Output, error output and status of one run.
    struct Run {
        var output: String
        var error: String
        var status: Int32
    }

    /// Runs the binary with `arguments`, feeding `input` on stdin.
    static func run(_ arguments: [String], input: [UInt8]? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = stdin
        try process.run()
        // Write stdin on another thread so a full output pipe cannot deadlock the test.
        let writer = Thread {
            if let input {
                stdin.fileHandleForWriting.write(Data(input))
            }
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            output: String(decoding: outputData, as: UTF8.self),
            error: String(decoding: errorData, as: UTF8.self),
            status: process.terminationStatus
        )
    }

    @Test func stdinFileAndGzipGiveIdenticalJSON() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            Issue.record("swiftcorn-logs binary not found at \(Self.binary); build it or set SWIFTCORN_LOGS_BIN")
            return
        }
        let fixture = AccessLogFixture()
        let directory = try TemporaryFiles.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = try TemporaryFiles.write(fixture.bytes, "access.log", in: directory)
        let compressed = try TemporaryFiles.write(try TemporaryFiles.gzip(fixture.bytes), "access.log.gz", in: directory)
        let fromFile = try Self.run(["summary", "--format", "json", plain.path])
        let fromGzip = try Self.run(["summary", "--format", "json", compressed.path])
        let fromStdin = try Self.run(["summary", "--format", "json", "-"], input: fixture.bytes)
        #expect(fromFile.status == 0)
        #expect(fromFile.output.contains("\"requests\":6000"))
        #expect(fromFile.output == fromGzip.output)
        #expect(fromFile.output == fromStdin.output)
        let top = try Self.run(["top", "--by", "route", "-n", "2", "--format", "csv", plain.path])
        #expect(top.output.hasPrefix("route,count,share,5xx"))
        #expect(
            top.output.split(separator: "\n").dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") } == [
                "/api/items/:id,2400", "/,1800",
            ]
        )
        let filtered = try Self.run(["summary", "--format", "json", "--where", "status=5xx", plain.path])
        #expect(filtered.output.contains("\"requests\":240,"))
    }

    @Test func badInputWarnsAndExitCodes() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            Issue.record("swiftcorn-logs binary not found at \(Self.binary)")
            return
        }
        let mixed = Array((MalformedInputTests.good(1) + "\n{\"broken\n" + MalformedInputTests.good(2) + "\n").utf8)
        let partial = try Self.run(["errors", "--format", "json", "-"], input: mixed)
        #expect(partial.status == 0)
        #expect(partial.error.contains("warning: skipped 1 malformed"))
        #expect(partial.error.contains("-:2: truncated line"))
        let nothing = try Self.run(["summary", "--format", "table", "-"], input: Array("garbage\n".utf8))
        #expect(nothing.status == 1)
        let badFilter = try Self.run(["summary", "--where", "status>>5", "-"], input: [])
        #expect(badFilter.status == 2)
        #expect(badFilter.error.contains("column 8"))
        let timeline = try Self.run(["timeline", "--bucket", "1m", "--format", "table", "-"], input: AccessLogFixture(count: 1200).bytes)
        #expect(timeline.output.contains("2026-11-28T10:01:00Z    600"))
        #expect(timeline.output.contains("requests ██"))
    }
}
