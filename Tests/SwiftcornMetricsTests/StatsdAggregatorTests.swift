import Testing

@testable import SwiftcornMetrics

@Suite("StatsdAggregator")
struct StatsdAggregatorTests {
    private let encoder = StatsdLineEncoder(prefix: "prefix", tags: [])

    private func drainText(_ aggregator: StatsdAggregator) -> [String] {
        aggregator.drain(encodingWith: encoder).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func concurrentCountsAreSummedIntoOneLine() async {
        let aggregator = StatsdAggregator()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<250 {
                        aggregator.count("requests")
                    }
                }
            }
        }
        #expect(drainText(aggregator) == ["prefix.requests:1000|c"])
        #expect(drainText(aggregator).isEmpty)
    }

    @Test func gaugeKeepsTheLastValueAndTimingsKeepEverySample() {
        let aggregator = StatsdAggregator()
        aggregator.gauge("workers", 3)
        aggregator.gauge("workers", 5)
        aggregator.timing("request.duration", milliseconds: 1.5)
        aggregator.timing("request.duration", milliseconds: 2.25)
        aggregator.count("requests", by: 2)
        #expect(
            drainText(aggregator) == [
                "prefix.requests:2|c",
                "prefix.workers:5|g",
                "prefix.request.duration:1.5|ms",
                "prefix.request.duration:2.25|ms",
            ]
        )
    }

    @Test func timingsAreCappedPerNameAndTheExcessCounted() {
        let aggregator = StatsdAggregator(maxTimingsPerName: 5)
        for value in 0..<8 {
            aggregator.timing("a", milliseconds: Double(value))
        }
        aggregator.timing("b", milliseconds: 1)
        aggregator.timing("b", milliseconds: .nan)
        aggregator.gauge("g", .infinity)
        let lines = drainText(aggregator)
        #expect(lines.filter { $0.hasPrefix("prefix.a:") }.count == 5)
        #expect(lines.filter { $0.hasPrefix("prefix.b:") } == ["prefix.b:1|ms"])
        #expect(!lines.contains { $0.hasPrefix("prefix.g:") })
        #expect(aggregator.droppedValues == 5)
        // The cap is per interval.
        aggregator.timing("a", milliseconds: 9)
        #expect(drainText(aggregator) == ["prefix.a:9|ms"])
    }
}
