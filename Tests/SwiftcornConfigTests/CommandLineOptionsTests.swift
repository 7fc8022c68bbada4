import Testing

@testable import SwiftcornConfig

@Suite("CommandLineOptions")
struct CommandLineOptionsTests {
    @Test func defaultsMatchGunicornWhereTheyOverlap() throws {
        let configuration = try Self.configuration([])
        #expect(configuration.binds == [.tcp(host: "127.0.0.1", port: 8000)])
        #expect(configuration.backlog == 2048)
        #expect(configuration.workerConnections == 1000)
        #expect(configuration.keepalive == .seconds(5))
        #expect(configuration.gracefulTimeout == .seconds(30))
        #expect(configuration.limitRequestLine == 8190)
        #expect(configuration.limitRequestFields == 100)
        #expect(configuration.limitRequestFieldSize == 8190)
        #expect(configuration.maxBodySize == 10 * 1_048_576)
        #expect(configuration.threads == 1)
        #expect(configuration.workers >= 1)
    }

    @Test func repeatedBindsAreAllKept() throws {
        let configuration = try Self.configuration(["-b", "127.0.0.1:9000", "--bind=[::1]:9001", "-b", "unix:/tmp/s.sock"])
        #expect(configuration.binds == [.tcp(host: "127.0.0.1", port: 9000), .tcp(host: "::1", port: 9001), .unix(path: "/tmp/s.sock")])
    }

    @Test func valuesInEveryForm() throws {
        let configuration = try Self.configuration([
            "-w", "3", "--keepalive", "500ms", "--graceful-timeout=2m", "--max-body-size", "1MiB", "--header-timeout", "2",
        ])
        #expect(configuration.workers == 3)
        #expect(configuration.keepalive == .milliseconds(500))
        #expect(configuration.gracefulTimeout == .seconds(120))
        #expect(configuration.maxBodySize == 1_048_576)
        #expect(configuration.headerTimeout == .seconds(2))
    }

    @Test func everyMistakeIsReportedAtOnce() {
        #expect {
            _ = try CommandLineOptions.parse(["-w", "-1", "--timeout", "30 parsecs", "-b", "127.0.0.1:70000", "--max-requets", "5"])
        } throws: { error in
            guard let errors = error as? ConfigurationErrors else { return false }
            let text = errors.description
            return errors.errors.count == 4 && text.contains("'workers'") && text.contains("'timeout'")
                && text.contains("0...65535") && text.contains("--max-requets")
        }
    }

    @Test func typoGetsASuggestion() {
        #expect {
            _ = try CommandLineOptions.parse(["--keepalvie", "3"])
        } throws: { error in
            (error as? ConfigurationErrors)?.description.contains("did you mean '--keepalive'?") == true
        }
    }

    @Test func hostnamesAreRefusedWithTheExpectedForm() {
        #expect(throws: ConfigurationError.self) { try BindAddress(parsing: "localhost:8000") }
        #expect(throws: ConfigurationError.self) { try BindAddress(parsing: "[::1:8000") }
        #expect((try? BindAddress(parsing: ":8000")) == .tcp(host: "0.0.0.0", port: 8000))
    }

    @Test func sizesAndDurations() throws {
        #expect(try ValueParsing.size("512KiB", key: "k") == 524_288)
        #expect(try ValueParsing.size("1GB", key: "k") == 1_000_000_000)
        #expect(try ValueParsing.duration("5m", key: "k") == .seconds(300))
        #expect(throws: ConfigurationError.self) { try ValueParsing.duration("soon", key: "k") }
        #expect(throws: ConfigurationError.self) { try ValueParsing.size("-1", key: "k") }
    }

    @Test func configurationSurvivesTheTripToAWorker() throws {
        var configuration = ServerConfiguration()
        configuration.binds = [.unix(path: "/tmp/x"), .tcp(host: "::1", port: 1)]
        configuration.keepalive = .milliseconds(1500)
        #expect(try ConfigurationCoding.decode(ConfigurationCoding.encode(configuration)) == configuration)
    }

    private static func configuration(_ arguments: [String]) throws -> ServerConfiguration {
        guard case .run(let configuration) = try CommandLineOptions.parse(arguments) else {
            throw ConfigurationErrors([])
        }
        return configuration
    }
}
