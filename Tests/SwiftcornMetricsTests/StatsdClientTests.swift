import SwiftcornTestKit
import Testing

@testable import SwiftcornMetrics

#if canImport(Glibc)
import Glibc
#endif

@Suite("StatsdClient over UDP")
struct StatsdClientTests {
    /// Long enough that only `flushNow()`/`shutdown()` send, so the test decides when datagrams exist.
    private static let manualFlushInterval: Duration = .seconds(3600)

    private func makeClient(port: Int, interval: Duration = manualFlushInterval, host: String = "127.0.0.1") throws -> StatsdClient {
        try StatsdClient(
            configuration: StatsdClient.Configuration(
                host: host,
                port: UInt16(port),
                prefix: "swiftcorn",
                tags: ["env:test", "app:x"],
                flushInterval: interval
            )
        )
    }

    @Test func countsTimingsAndGaugesArriveWithPrefixAndTags() throws {
        let listener = try UDPListener()
        let client = try makeClient(port: listener.port)
        defer { client.shutdown() }

        for status in [200, 200, 404] {
            client.recordRequest(status: status, duration: .microseconds(12_345))
        }
        client.gauge("workers", 4)
        client.timing("app.db", milliseconds: 0.5)
        client.count(StatsdMetricNames.logError)
        client.flushNow()

        let expected: Set<String> = [
            "swiftcorn.requests:3|c|#env:test,app:x",
            "swiftcorn.request.status.200:2|c|#env:test,app:x",
            "swiftcorn.request.status.404:1|c|#env:test,app:x",
            "swiftcorn.log.error:1|c|#env:test,app:x",
            "swiftcorn.workers:4|g|#env:test,app:x",
            "swiftcorn.app.db:0.5|ms|#env:test,app:x",
        ]
        let received = try listener.waitForLines(timeout: .seconds(5)) { lines in
            expected.isSubset(of: lines) && lines.count(where: { $0.hasPrefix("swiftcorn.request.duration:") }) == 3
        }
        #expect(expected.isSubset(of: Set(received)))
        #expect(
            received.filter { $0.hasPrefix("swiftcorn.request.duration:") }
                == Array(
                    repeating: "swiftcorn.request.duration:12.345|ms|#env:test,app:x",
                    count: 3
                )
        )
        #expect(received.count == expected.count + 3)
        #expect(client.packetsSent == UInt64(listener.datagrams.count))
        #expect(client.sendErrors == 0)
    }

    @Test func manyNamesAreSplitIntoDatagramsAndAllCounted() throws {
        let listener = try UDPListener()
        let client = try makeClient(port: listener.port)
        defer { client.shutdown() }

        for index in 0..<300 {
            client.count("route.\(index).hits", by: Int64(index))
        }
        client.flushNow()

        let received = try listener.waitForLines(timeout: .seconds(5)) { $0.count >= 300 }
        #expect(received.count == 300)
        #expect(Set(received).count == 300)
        #expect(listener.datagrams.count > 1)
        #expect(listener.datagrams.allSatisfy { $0.utf8.count <= 1432 })
        #expect(received.contains("swiftcorn.route.299.hits:299|c|#env:test,app:x"))
        #expect(try listener.receive(for: .milliseconds(100)).isEmpty)
        #expect(client.packetsSent == UInt64(listener.datagrams.count))
    }

    @Test func flushThreadSendsEveryInterval() throws {
        let listener = try UDPListener()
        let client = try makeClient(port: listener.port, interval: .milliseconds(50))
        defer { client.shutdown() }

        client.count("requests", by: 7)
        let first = try listener.waitForLines(timeout: .seconds(5)) { $0.contains("swiftcorn.requests:7|c|#env:test,app:x") }
        #expect(first == ["swiftcorn.requests:7|c|#env:test,app:x"])
        listener.reset()

        client.count("requests", by: 2)
        let second = try listener.waitForLines(timeout: .seconds(5)) { $0.contains("swiftcorn.requests:2|c|#env:test,app:x") }
        #expect(second == ["swiftcorn.requests:2|c|#env:test,app:x"])
    }

    @Test func shutdownFlushesPendingMetricsPromptly() throws {
        let listener = try UDPListener()
        let client = try makeClient(port: listener.port)
        client.count("requests", by: 5)
        client.timing("request.duration", milliseconds: 3.25)

        let started = ContinuousClock.now
        client.shutdown()
        let shutdownTime = ContinuousClock.now - started

        // The flush thread sleeps for an hour: returning quickly proves the pipe woke it.
        #expect(shutdownTime < .seconds(2))
        let received = try listener.waitForLines(timeout: .seconds(5)) { $0.count >= 2 }
        #expect(
            Set(received) == [
                "swiftcorn.requests:5|c|#env:test,app:x",
                "swiftcorn.request.duration:3.25|ms|#env:test,app:x",
            ]
        )
        client.shutdown()
        #expect(client.packetsSent == 1)
    }

    @Test func sendErrorsAreCountedAndTheClientRecovers() throws {
        // Learn a free port, then free it: nothing listens there until the listener below binds it again.
        let port = try UDPListener().port
        let client = try makeClient(port: port)
        defer { client.shutdown() }

        // The first send succeeds; the ICMP port-unreachable it provokes fails a later one with ECONNREFUSED.
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        var attempts = 0
        while client.sendErrors == 0 && ContinuousClock.now < deadline {
            client.count("requests")
            client.flushNow()
            attempts += 1
            _ = poll(nil, 0, 5)
        }
        #expect(client.sendErrors > 0)
        #expect(client.lastSendError == ECONNREFUSED)
        #expect(client.packetsSent + client.sendErrors == UInt64(attempts))

        let listener = try UDPListener(port: port)
        client.count("after.recovery", by: 3)
        client.flushNow()
        let received = try listener.waitForLines(timeout: .seconds(5)) { $0.contains("swiftcorn.after.recovery:3|c|#env:test,app:x") }
        #expect(received == ["swiftcorn.after.recovery:3|c|#env:test,app:x"])
    }

    @Test func hostNamesResolve() throws {
        let listener = try UDPListener()
        let client = try makeClient(port: listener.port, host: "localhost")
        defer { client.shutdown() }
        client.count("requests")
        client.flushNow()
        let received = try listener.waitForLines(timeout: .seconds(5)) { !$0.isEmpty }
        #expect(received == ["swiftcorn.requests:1|c|#env:test,app:x"])
    }
}
