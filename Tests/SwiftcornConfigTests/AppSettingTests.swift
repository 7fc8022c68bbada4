import Testing

@testable import SwiftcornConfig

/// An app's own settings, and choices that are validated when the configuration loads.
@Suite("App settings and typed choices")
struct AppSettingTests {
    enum Mode: String, CaseIterable, Sendable { case fast, careful }

    static let greeting = AppSetting.text("greeting", flag: "--greeting", default: "hello", help: "what / answers")
    static let mode = AppSetting.choice("myapp.mode", flag: "--mode", default: Mode.fast, help: "how it runs")
    static let verbose = AppSetting.flag("myapp.verbose", flag: "--verbose", help: "say more")
    static let shards = AppSetting.integer("myapp.shards", flag: "--shards", range: 1...64, default: 4, help: "shards")
    static let table = SettingsTable(name: "myapp", appSettings: [greeting, mode, verbose, shards]) { configuration in
        configuration[verbose] && configuration[shards] > 32
            ? [ConfigurationError(.invalidValue, key: "myapp.shards", expected: "at most 32 shards when verbose")] : []
    }

    func load(_ arguments: [String], _ environment: [String: String] = [:]) throws(ConfigurationErrors) -> ServerConfiguration {
        guard case .run(let resolved) = try ConfigurationLoader.load(arguments: arguments, environment: environment, table: Self.table) else {
            throw ConfigurationErrors([])
        }
        return resolved.configuration
    }

    func errors(_ arguments: [String], _ environment: [String: String] = [:]) -> [ConfigurationError] {
        do {
            _ = try ConfigurationLoader.load(arguments: arguments, environment: environment, table: Self.table)
            return []
        } catch {
            return error.errors
        }
    }

    @Test func defaultsFlagsEnvironmentAndFileReachTheApp() throws {
        let defaults = try self.load([])
        #expect(defaults[Self.greeting] == "hello")
        #expect(defaults[Self.mode] == .fast)
        #expect(defaults[Self.verbose] == false)
        #expect(defaults[Self.shards] == 4)
        let set = try self.load(["--greeting", "hi", "--mode=careful", "--verbose"], ["SWIFTCORN_MYAPP_SHARDS": "8"])
        #expect(set[Self.greeting] == "hi")
        #expect(set[Self.mode] == .careful)
        #expect(set[Self.verbose])
        #expect(set[Self.shards] == 8)
        // A section of the app's own in the YAML file.
        let yaml = YAMLConfigurationFile.parse("greeting: hey\nmyapp:\n  mode: careful\n", path: "app.yaml", table: Self.table)
        #expect(yaml.errors.isEmpty)
        #expect(yaml.assignments.map(\.setting.key) == ["greeting", "myapp.mode"])
    }

    @Test func badValuesStopTheLoadWithTheSettingNamed() {
        #expect(self.errors(["--mode", "reckless"]).map(\.key) == ["myapp.mode"])
        #expect(self.errors(["--shards", "0"]).map(\.key) == ["myapp.shards"])
        #expect(self.errors(["--greeting="]).map(\.key) == ["greeting"])
        #expect(self.errors([], ["SWIFTCORN_MYAPP_VERBOSE": "perhaps"]).map(\.key) == ["myapp.verbose"])
        // The app's own cross-check, with the source of the setting it names.
        let crossed = self.errors(["--verbose", "--shards", "40"])
        #expect(crossed.map(\.key) == ["myapp.shards"])
        #expect(crossed.first?.source == .flag(name: "--shards"))
    }

    @Test func theAppNamesItselfAndListsItsSettings() throws {
        guard case .help(let usage) = try ConfigurationLoader.load(arguments: ["--help"], environment: [:], table: Self.table) else {
            Issue.record("no usage")
            return
        }
        #expect(usage.hasPrefix("usage: myapp [OPTIONS]"))
        #expect(usage.contains("--mode fast|careful"))
        #expect(!usage.contains("--app") && !usage.contains("--root"))
        guard
            case .printTemplate(let yaml) = try ConfigurationLoader.load(arguments: ["--print-config", "yaml"], environment: [:], table: Self.table)
        else {
            Issue.record("no template")
            return
        }
        #expect(yaml.contains("\nmyapp:\n"))
        #expect(yaml.contains("  mode: fast\n"))
        #expect(yaml.contains("greeting: hello\n"))
    }

    @Test func appValuesTravelToAWorkerWithoutTheTable() throws {
        let configuration = try self.load(["--greeting", "tab\there", "--mode", "careful", "-w", "3"])
        let decoded = try ConfigurationCoding.decode(ConfigurationCoding.encode(configuration))
        #expect(decoded == configuration)
        #expect(decoded[Self.greeting] == "tab\there")
        #expect(decoded[Self.mode] == .careful)
    }

    @Test func choicesAreEnumsValidatedAtLoad() throws {
        guard
            case .run(let resolved) = try ConfigurationLoader.load(
                arguments: ["--worker-start", "exec", "--log-format", "TEXT", "--log-overflow", "drop", "--log-interval", "hourly"],
                environment: ["SWIFTCORN_LOG_CLOCK": "local", "SWIFTCORN_LOG_NAMING": "dated"]
            )
        else {
            Issue.record("not a run")
            return
        }
        let configuration = resolved.configuration
        #expect(configuration.workerStart == .exec)
        #expect(configuration.logging.format == .text)
        #expect(configuration.logging.overflow == .drop)
        #expect(configuration.logging.interval == .hourly)
        #expect(configuration.logging.clock == .local)
        #expect(configuration.logging.naming == .dated)
        #expect(throws: ConfigurationErrors.self) {
            try ConfigurationLoader.load(arguments: ["--worker-start", "spawn"], environment: [:])
        }
    }

    @Test func statsdHostIsParsedWhenTheConfigurationLoads() throws {
        guard case .run(let resolved) = try ConfigurationLoader.load(arguments: ["--statsd-host", "metrics.example.com"], environment: [:]) else {
            Issue.record("not a run")
            return
        }
        #expect(resolved.configuration.statsd.host == (try ServiceAddress(parsing: "metrics.example.com:8125", key: "statsd.host", defaultPort: 1)))
        for bad in ["bad host", ":8125", "host:", "host:0", "host:65536", "host:abc", "::1", "::1:8125", "[::1", "[::1]8125", "-host", "a..b"] {
            #expect(throws: ConfigurationErrors.self, "\(bad)") { try ConfigurationLoader.load(arguments: ["--statsd-host", bad], environment: [:]) }
        }
        let v6 = try ServiceAddress(parsing: "[::1]:9125", key: "statsd.host", defaultPort: 8125)
        #expect(v6.host == "::1" && v6.port == 9125 && v6.description == "[::1]:9125")
        let v4 = try ServiceAddress(parsing: "10.0.0.7", key: "statsd.host", defaultPort: 8125)
        #expect(v4.host == "10.0.0.7" && v4.port == 8125)
        let v6Default = try ServiceAddress(parsing: "[::1]", key: "statsd.host", defaultPort: 8125)
        #expect(v6Default.host == "::1" && v6Default.port == 8125)
        let named = try ServiceAddress(parsing: "localhost:9125", key: "statsd.host", defaultPort: 8125)
        #expect(named.host == "localhost" && named.port == 9125)
    }

    @Test func durationsThatWouldSpinOrOverflowAreRefused() throws {
        for arguments in [
            ["--timeout", "0"], ["--header-timeout", "0s"], ["--statsd-flush-interval", "0ms"], ["--keepalive", "1e30"], ["--timeout", "nan"],
        ] {
            #expect(throws: ConfigurationErrors.self, "\(arguments)") { try ConfigurationLoader.load(arguments: arguments, environment: [:]) }
        }
        guard case .run(let resolved) = try ConfigurationLoader.load(arguments: ["--keepalive", "0", "--graceful-timeout", "0"], environment: [:])
        else {
            Issue.record("not a run")
            return
        }
        #expect(resolved.configuration.keepalive == .zero)
        #expect(resolved.configuration.gracefulTimeout == .zero)
    }

    @Test func addressListsAndPathsAreCheckedAtLoad() throws {
        for arguments in [
            ["--forwarded-allow-ips", "10.0.0.0/8"], ["--forwarded-allow-ips", "proxy.internal"], ["--metrics-path", "metrics"],
            ["--metrics-path", "/healthz"],
        ] {
            #expect(throws: ConfigurationErrors.self, "\(arguments)") { try ConfigurationLoader.load(arguments: arguments, environment: [:]) }
        }
        guard
            case .run(let resolved) = try ConfigurationLoader.load(
                arguments: ["--forwarded-allow-ips", "10.1.2.3", "--forwarded-allow-ips", "::1", "--metrics-path", "/prom"],
                environment: [:]
            )
        else {
            Issue.record("not a run")
            return
        }
        #expect(resolved.configuration.forwardedAllowIPs == ["10.1.2.3", "::1"])
        #expect(resolved.configuration.metrics.path == "/prom")
    }
}
