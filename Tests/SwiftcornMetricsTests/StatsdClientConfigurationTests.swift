import Testing

@testable import SwiftcornMetrics

@Suite("StatsdClient.Configuration")
struct StatsdClientConfigurationTests {
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
