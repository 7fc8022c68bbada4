import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a command-line tool to completion with bytes on its stdin, as `promtool`, `gzip` and
/// `python3` are run by the kit.
///
/// stdin, stdout and stderr go through temporary files, so a tool that writes a lot before it has
/// read all its input cannot deadlock against the test.
///
/// ```swift
/// let result = try ExternalCommand.run("gzip", ["-dc"], input: compressed)
/// ```
public enum ExternalCommand {
    /// What a finished command left behind.
    public struct Output: Sendable {
        /// The exit status, or 128 + signal when a signal ended it.
        public let status: Int32
        /// Everything it wrote to stdout.
        public let stdout: [UInt8]
        /// Everything it wrote to stderr.
        public let stderr: [UInt8]

        /// stdout as UTF-8 text.
        public var stdoutText: String { String(decoding: self.stdout, as: UTF8.self) }
        /// stderr as UTF-8 text.
        public var stderrText: String { String(decoding: self.stderr, as: UTF8.self) }
    }

    /// The absolute path of `name`: `name` itself when it holds a `/`, else the first executable
    /// `name` in `$PATH`. Throws, naming `make deps`, when there is none.
    public static func locate(_ name: String) throws -> String {
        if name.contains("/") {
            guard FileManager.default.isExecutableFile(atPath: name) else { throw ExternalCommandError.notFound(name) }
            return name
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ExternalCommandError.notFound(name)
    }

    /// Runs `executable` (a path, or a name looked up in `$PATH`) with `arguments`, feeding it
    /// `input` on stdin, and waits for it to exit. Throws when it cannot start or outlives `timeout`
    /// (then it is killed); a non-zero exit status is not an error here: read `Output.status`.
    public static func run(
        _ executable: String,
        _ arguments: [String] = [],
        input: [UInt8] = [],
        environment: [String: String] = [:],
        timeout: Duration = .seconds(60)
    ) throws -> Output {
        let path = try Self.locate(executable)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stdinFile = directory.appendingPathComponent("stdin")
        let stdoutFile = directory.appendingPathComponent("stdout")
        let stderrFile = directory.appendingPathComponent("stderr")
        try Data(input).write(to: stdinFile)
        _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        let stdinHandle = try FileHandle(forReadingFrom: stdinFile)
        let stdoutHandle = try FileHandle(forWritingTo: stdoutFile)
        let stderrHandle = try FileHandle(forWritingTo: stderrFile)
        defer {
            try? stdinHandle.close()
            try? stdoutHandle.close()
            try? stderrHandle.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.standardInput = stdinHandle
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        try process.run()
        do {
            try Poll.until("\(executable) exits", timeout: timeout) { !process.isRunning }
        } catch {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw ExternalCommandError.timedOut(([executable] + arguments).joined(separator: " "), timeout)
        }
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Output(
            status: status,
            stdout: Array((try? Data(contentsOf: stdoutFile)) ?? Data()),
            stderr: Array((try? Data(contentsOf: stderrFile)) ?? Data())
        )
    }
}

/// Why the kit could not run a command-line tool.
public enum ExternalCommandError: Error, CustomStringConvertible {
    /// No such executable; `make deps` installs what the tests use.
    case notFound(String)
    /// The command ran longer than it was given, and was killed.
    case timedOut(String, Duration)

    /// The message a failing test shows.
    public var description: String {
        switch self {
        case .notFound(let name): "'\(name)' not found (PATH: \(ProcessInfo.processInfo.environment["PATH"] ?? "")); `make deps` installs it"
        case .timedOut(let command, let timeout): "'\(command)' still running after \(timeout); killed"
        }
    }
}
