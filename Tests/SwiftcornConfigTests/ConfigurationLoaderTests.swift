import Foundation
import Testing

@testable import SwiftcornConfig

@Suite("Configuration sources and precedence")
struct ConfigurationLoaderTests {
    let directory: URL

    init() throws {
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftcorn-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    private func file(_ text: String) throws -> String {
        let path = self.directory.appendingPathComponent("swiftcorn-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func resolve(_ arguments: [String], _ environment: [String: String] = [:]) throws -> ResolvedConfiguration {
        guard case .run(let resolved) = try ConfigurationLoader.load(arguments: arguments, environment: environment) else {
            throw ConfigurationErrors([])
        }
        return resolved
    }

    private func errors(_ arguments: [String], _ environment: [String: String] = [:]) -> [ConfigurationError] {
        do {
            _ = try ConfigurationLoader.load(arguments: arguments, environment: environment)
            return []
        } catch {
            return error.errors
        }
    }

    @Test func flagBeatsEnvironmentBeatsFileBeatsDefault() throws {
        let path = try self.file("workers: 3\nkeepalive: 7s\n")
        let all = try self.resolve(["-c", path, "-w", "5"], ["SWIFTCORN_WORKERS": "4"])
        #expect(all.configuration.workers == 5)
        #expect(all.source(of: "workers") == .flag(name: "-w"))
        let noFlag = try self.resolve(["-c", path], ["SWIFTCORN_WORKERS": "4"])
        #expect(noFlag.configuration.workers == 4)
        #expect(noFlag.source(of: "workers") == .environment(variable: "SWIFTCORN_WORKERS"))
        let fileOnly = try self.resolve(["-c", path])
        #expect(fileOnly.configuration.workers == 3)
        #expect(fileOnly.source(of: "workers") == .file(path: path, line: 1))
        #expect(fileOnly.configuration.keepalive == .seconds(7))
        let none = try self.resolve([])
        #expect(none.configuration.workers == ServerConfiguration.defaultWorkerCount)
        #expect(none.source(of: "workers") == .defaultValue)
    }

    @Test func sectionsListsAndEnvironmentNames() throws {
        let path = try self.file(
            """
            bind:
              - 127.0.0.1:9000
              - unix:/tmp/a.sock
            metrics:
              bind: 127.0.0.1:9999
              path: /prom
            statsd:
              host: 127.0.0.1:8125
              tags: [env:prod, team:web]
            access_log: [journald, /var/log/swiftcorn/access.log]
            """
        )
        let resolved = try self.resolve(["--config", path], ["SWIFTCORN_STATSD_PREFIX": "web"])
        #expect(resolved.configuration.binds == [.tcp(host: "127.0.0.1", port: 9000), .unix(path: "/tmp/a.sock")])
        #expect(resolved.configuration.metrics.bind == .tcp(host: "127.0.0.1", port: 9999))
        #expect(resolved.configuration.metrics.path == "/prom")
        #expect(resolved.configuration.statsd.tags == ["env:prod", "team:web"])
        #expect(resolved.configuration.statsd.prefix == "web")
        #expect(resolved.configuration.logging.accessLog == ["journald", "/var/log/swiftcorn/access.log"])
        let overridden = try self.resolve(
            ["-c", path, "-b", "127.0.0.1:7000", "--bind=[::1]:7001"],
            ["SWIFTCORN_BIND": "127.0.0.1:6000,127.0.0.1:6001"]
        )
        #expect(overridden.configuration.binds == [.tcp(host: "127.0.0.1", port: 7000), .tcp(host: "::1", port: 7001)])
        let fromEnvironment = try self.resolve(["-c", path], ["SWIFTCORN_BIND": "127.0.0.1:6000, 127.0.0.1:6001"])
        #expect(fromEnvironment.configuration.binds == [.tcp(host: "127.0.0.1", port: 6000), .tcp(host: "127.0.0.1", port: 6001)])
    }

    @Test func dogstatsdTagsMustBeKeyValue() {
        let errors = self.errors(["--dogstatsd-tags", "env:prod", "--dogstatsd-tags", "prod"])
        #expect(errors.map(\.key) == ["statsd.tags"])
        #expect(errors.first.map { "\($0)".contains("'prod'") } == true)
    }

    @Test func unknownKeysNameTheirSourceAndTheNearestKey() throws {
        let path = try self.file("workers: 2\nmax_request: 500\nmetrics:\n  bnd: 127.0.0.1:1\n")
        let errors = self.errors(["-c", path, "--keepalvie", "3"], ["SWIFTCORN_GRACEFUL_TIMOUT": "3s"])
        let text = errors.map(\.description)
        #expect(errors.count == 4)
        #expect(text.contains { $0.contains("file \(path):2") && $0.contains("'max_request'") && $0.contains("did you mean 'max_requests'?") })
        #expect(text.contains { $0.contains("file \(path):4") && $0.contains("'metrics.bnd'") && $0.contains("did you mean 'metrics.bind'?") })
        #expect(text.contains { $0.contains("flag --keepalvie") && $0.contains("did you mean '--keepalive'?") })
        #expect(text.contains { $0.contains("env SWIFTCORN_GRACEFUL_TIMOUT") && $0.contains("did you mean 'SWIFTCORN_GRACEFUL_TIMEOUT'?") })
    }

    @Test func wrongTypesAndRangesSayWhatIsExpected() throws {
        let path = try self.file("workers: -1\ntimeout: 30 parsecs\nbind: 127.0.0.1:70000\n")
        let errors = self.errors(["-c", path, "--log-clock", "mars", "-b", "nowhere:80"])
        let text = errors.map(\.description).joined(separator: "\n")
        #expect(errors.count == 5, "\(text)")
        #expect(text.contains("file \(path):1: invalid value for 'workers': '-1' (expected an integer in 1...1024)"))
        #expect(
            text.contains(
                "file \(path):2: invalid value for 'timeout': '30 parsecs' (expected a positive duration such as 500ms, 30s, 5m or 1h, at most a year)"
            )
        )
        #expect(text.contains("flag --log-clock: invalid value for 'log_clock': 'mars' (expected one of utc, local)"))
        #expect(text.contains("flag -b: invalid value for 'bind': 'nowhere:80'"))
        // A mistake in the file is reported even though the flag overrides it: the file is still wrong.
        #expect(text.contains("file \(path):3: invalid value for 'bind': '127.0.0.1:70000'"))
    }

    @Test func brokenYAMLIsReportedWithItsPosition() throws {
        let path = try self.file("workers: [1, 2\n")
        let errors = self.errors(["-c", path])
        #expect(errors.count == 1)
        #expect(errors.first?.description.contains("not valid YAML") == true)
        #expect(errors.first?.description.contains("line") == true)
        #expect(self.errors(["-c", "/nonexistent/swiftcorn.yaml"]).first?.description.contains("No such file") == true)
    }

    @Test func valueFormsAreRead() throws {
        let resolved = try self.resolve([
            "--keepalive", "500ms", "--graceful-timeout=2m", "--max-body-size", "1MiB", "--header-timeout", "2", "--log-level", "DEBUG",
        ])
        #expect(resolved.configuration.keepalive == .milliseconds(500))
        #expect(resolved.configuration.gracefulTimeout == .seconds(120))
        #expect(resolved.configuration.maxBodySize == 1_048_576)
        #expect(resolved.configuration.headerTimeout == .seconds(2))
        #expect(resolved.configuration.logLevel == .debug)
        #expect(try ValueParsing.size("512KiB", key: "k") == 524_288)
        #expect(try ValueParsing.size("1GB", key: "k") == 1_000_000_000)
        #expect(ValueParsing.format(.milliseconds(1500)) == "1500ms")
        #expect(ValueParsing.format(.seconds(300)) == "5m")
        #expect(ValueParsing.format(size: 10 * 1_048_576) == "10MiB")
    }

    @Test func printedTemplateResolvesToTheDefaults() throws {
        guard case .printTemplate(let yaml) = try ConfigurationLoader.load(arguments: ["--print-config", "yaml"], environment: [:]) else {
            Issue.record("expected a template")
            return
        }
        let path = try self.file(yaml)
        let resolved = try self.resolve(["-c", path])
        #expect(resolved.configuration == ServerConfiguration())
        for setting in Setting.all {
            #expect(yaml.contains("\(setting.leafKey):"), "\(setting.key) missing from the template")
        }
    }

    @Test func reloadReturnsErrorsWithoutChangingAnything() throws {
        let path = try self.file("workers: 2\n")
        let reloader = ConfigurationReloader(arguments: ["-c", path], environment: [:])
        #expect((try? reloader.reload().get())?.configuration.workers == 2)
        try "workers: two\n".write(toFile: path, atomically: true, encoding: .utf8)
        guard case .failure(let errors) = reloader.reload() else {
            Issue.record("a bad file must not reload")
            return
        }
        #expect(errors.description.contains("'workers': 'two'"))
        try "workers: 3\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect((try? reloader.reload().get())?.configuration.workers == 3)
    }

    @Test func configurationSurvivesTheTripToAWorker() throws {
        var configuration = ServerConfiguration()
        configuration.binds = [.unix(path: "/tmp/x"), .tcp(host: "::1", port: 1)]
        configuration.keepalive = .milliseconds(1500)
        configuration.metrics.bind = nil
        configuration.pidfile = "/tmp/odd\tname\\with\nbreaks"
        configuration.logging.accessLog = []
        configuration.statsd.tags = ["env:prod", "team:web"]
        #expect(try ConfigurationCoding.decode(ConfigurationCoding.encode(configuration)) == configuration)
        #expect(try ConfigurationCoding.decode(ConfigurationCoding.encode(ServerConfiguration())) == ServerConfiguration())
        // A setting this version does not know (a newer master) is named, not skipped.
        #expect(throws: ConfigurationError.self) { try ConfigurationCoding.decode("workers\t2\nfuture_setting\t1\n") }
    }

    @Test func bindForms() {
        #expect(throws: ConfigurationError.self) { try BindAddress(parsing: "localhost:8000") }
        #expect(throws: ConfigurationError.self) { try BindAddress(parsing: "[::1:8000") }
        #expect((try? BindAddress(parsing: ":8000")) == .tcp(host: "0.0.0.0", port: 8000))
    }
}
