import Foundation
import SwiftcornTestKit
import Testing

@Suite("Configuration through the real binary", .serialized)
struct ConfigurationTests {
    @Test func shippedConfigurationPassesCheckConfig() throws {
        let path = TestServer.packageRoot.appendingPathComponent("Config/swiftcorn.yaml").path
        let result = try CommandRun.run(TestServer.binaryPath, ["-c", path, "--check-config"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("workers:"))
        #expect(result.output.contains("# file \(path):"))
        #expect(result.output.contains("configuration OK"))
    }

    @Test func everyMistakeIsReportedAndExitsWith2() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-bad-\(UUID().uuidString).yaml").path
        try "workers: -1\nmax_request: 500\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CommandRun.run(
            TestServer.binaryPath,
            ["-c", path, "--timeout", "30 parsecs", "-b", "127.0.0.1:70000"],
            environment: ["SWIFTCORN_WORKRES": "2"]
        )
        #expect(result.status == 2)
        #expect(result.output.contains("file \(path):1: invalid value for 'workers': '-1'"))
        #expect(result.output.contains("file \(path):2: unknown option 'max_request': did you mean 'max_requests'?"))
        #expect(result.output.contains("flag --timeout: invalid value for 'timeout': '30 parsecs'"))
        #expect(result.output.contains("flag -b: invalid value for 'bind': '127.0.0.1:70000'"))
        #expect(result.output.contains("env SWIFTCORN_WORKRES: unknown option 'SWIFTCORN_WORKRES': did you mean 'SWIFTCORN_WORKERS'?"))
    }

    @Test func printedTemplateIsAValidConfiguration() throws {
        let template = try CommandRun.run(TestServer.binaryPath, ["--print-config", "yaml"])
        #expect(template.status == 0)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-template-\(UUID().uuidString).yaml").path
        try template.output.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let check = try CommandRun.run(TestServer.binaryPath, ["-c", path, "--check-config"])
        #expect(check.status == 0, "\(check.output)")
        let defaults = try CommandRun.run(TestServer.binaryPath, ["--check-config"])
        // Same values; only the sources differ (file instead of default).
        let values = { (text: String) in
            text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "#")[0] }
        }
        #expect(values(check.output) == values(defaults.output))
    }

    @Test func fileSettingsReachTheWorkersAndFlagsWin() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-run-\(UUID().uuidString).yaml").path
        try "workers: 3\nmax_body_size: 1KiB\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server = try TestServer.start(["-c", path, "--max-body-size", "2KiB"])
        defer { server.stop() }
        try server.waitForWorkers(3)
        let connection = try HTTPTestConnection(port: server.port)
        #expect(try connection.request("POST", "/echo", body: Array(repeating: 65, count: 1500)).status == 200)
        let refused = try HTTPTestConnection(port: server.port)
        #expect(try refused.request("POST", "/echo", body: Array(repeating: 65, count: 2100)).status == 413)
    }

    @Test func badFileOnReloadKeepsTheServerRunning() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-reload-\(UUID().uuidString).yaml").path
        try "workers: 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let server = try TestServer.start(["-c", path])
        defer { server.stop() }
        let workers = try server.waitForWorkers(1)
        try "workers: many\n".write(toFile: path, atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        try Poll.until("the reload error in the log", timeout: .seconds(10)) { server.log.contains("reload refused") }
        #expect(server.log.contains("'workers': 'many'"))
        #expect(server.workerPIDs == workers)
        #expect(try server.get("/").status == 200)
    }
}

/// A finished run of a command.
struct CommandRun {
    let status: Int32
    let output: String

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> CommandRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandRun(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}

/// An app built on `Swiftcorn.main` (the test app) as its users see it.
@Suite("An app's own name and settings through the real binary", .serialized)
struct AppConfigurationTests {
    @Test func anAppHasItsOwnNameAndNoneOfTheBuiltInAppsSettings() throws {
        let help = try CommandRun.run(TestServer.testAppPath, ["--help"])
        #expect(help.status == 0)
        #expect(help.output.hasPrefix("usage: swiftcorn-test-app [OPTIONS]"))
        #expect(help.output.contains("--test-boot-failure"))
        #expect(!help.output.contains("--app ") && !help.output.contains("--root "))
        let bad = try CommandRun.run(TestServer.testAppPath, ["--check-config", "--app", "static"])
        #expect(bad.status == 2)
        #expect(bad.output.contains("unknown option '--app'"))
        #expect(bad.output.contains("see 'swiftcorn-test-app --help'"))
    }

    @Test func aBadStatsdHostFailsTheCheckNotAWorker() throws {
        let result = try CommandRun.run(TestServer.binaryPath, ["--check-config", "--statsd-host", "bad host"])
        #expect(result.status == 2)
        #expect(result.output.contains("invalid value for 'statsd.host': 'bad host'"))
    }

    @Test func theSwiftcornExecutablesOwnSettingsAreCheckedAtLoad() throws {
        let missingRoot = try CommandRun.run(TestServer.binaryPath, ["--check-config", "--app", "static"])
        #expect(missingRoot.status == 2)
        #expect(missingRoot.output.contains("'static_root'"))
        let badApp = try CommandRun.run(TestServer.binaryPath, ["--check-config", "--app", "dynamic"])
        #expect(badApp.status == 2)
        #expect(badApp.output.contains("one of demo|static") || badApp.output.contains("demo|static"))
    }
}
