import Testing

@testable import SwiftcornMetrics

@Suite("StatsdClient.Configuration")
struct StatsdClientConfigurationTests {
    @Test func parsesHostAndPortForms() throws {
        #expect(try StatsdClient.Configuration.parseAddress("localhost:9125") == ("localhost", 9125))
        #expect(try StatsdClient.Configuration.parseAddress("statsd") == ("statsd", 8125))
        #expect(try StatsdClient.Configuration.parseAddress("[::1]:8126") == ("::1", 8126))
        #expect(try StatsdClient.Configuration.parseAddress("[::1]") == ("::1", 8125))
        let configuration = try StatsdClient.Configuration(address: "127.0.0.1:8127", prefix: "app")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8127)
        #expect(configuration.flushInterval == .seconds(1))
        #expect(configuration.maxDatagramSize == 1432)
    }

    @Test(arguments: ["", ":8125", "host:", "host:0", "host:70000", "host:abc", "::1:8125", "[::1", "[::1]8125"])
    func rejectsMalformedAddresses(_ address: String) {
        #expect(throws: StatsdClientError.self) {
            try StatsdClient.Configuration.parseAddress(address)
        }
    }

    @Test func unresolvableHostNamesTheHost() {
        let configuration = StatsdClient.Configuration(host: "no-such-host.invalid", port: 8125)
        do {
            _ = try StatsdClient(configuration: configuration)
            Issue.record("expected an error")
        } catch let error as StatsdClientError {
            guard case .unresolvableHost(let host, _, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(host == "no-such-host.invalid")
            #expect(error.description.contains("no-such-host.invalid"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func rejectsOutOfRangeValues() {
        #expect(throws: StatsdClientError.self) {
            try StatsdClient.Configuration(host: "127.0.0.1", flushInterval: .zero).validate()
        }
        #expect(throws: StatsdClientError.self) {
            try StatsdClient.Configuration(host: "127.0.0.1", maxDatagramSize: 0).validate()
        }
    }
}
