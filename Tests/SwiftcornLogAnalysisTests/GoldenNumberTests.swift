import Testing

@testable import SwiftcornLogAnalysis

/// Golden numbers on the generated fixture: counts, percentiles within the bound, top lists, timeline.
@Suite struct GoldenNumberTests {
    let fixture = AccessLogFixture()

    /// Runs `configure`d options over the fixture bytes.
    func analyse(_ configure: (inout AnalysisOptions) -> Void = { _ in }) -> Aggregate {
        var options = AnalysisOptions()
        configure(&options)
        return Analyzer(options: options).run([.bytes(self.fixture.bytes, name: "fixture")])
    }

    @Test func countsAndStatuses() {
        let aggregate = self.analyse()
        #expect(aggregate.requests == 6000)
        #expect(aggregate.lines == 6000 + 12)
        #expect(aggregate.otherRecords == 12)
        #expect(aggregate.diagnostics.total == 0)
        #expect(aggregate.statusCounts[200] == 5520)
        #expect(aggregate.statusCounts[404] == 240)
        #expect(aggregate.statusCounts[500] == 120)
        #expect(aggregate.statusCounts[503] == 120)
        #expect(aggregate.serverErrors == 240)
        #expect(aggregate.firstTimestamp == AccessLogFixture.start)
        #expect(aggregate.lastTimestamp == AccessLogFixture.start + 5999 * 100_000)
        #expect(aggregate.bytesOut == Int64(self.fixture.records.reduce(0) { $0 + $1.bytesOut }))
    }

    @Test func overallPercentilesWithinTheFineBound() {
        let aggregate = self.analyse()
        let durations = self.fixture.records.map(\.duration)
        for percentile in [50.0, 90, 99, 99.9] {
            let exact = Exact.percentile(durations, percentile)
            let reported = aggregate.latency.percentile(percentile)
            #expect(
                Exact.within(reported, exact, bound: LatencyHistogram.Precision.fine.relativeErrorBound),
                "p\(percentile): \(reported) vs \(exact)"
            )
        }
        #expect(aggregate.latency.maximum == durations.max())
        #expect(aggregate.latency.minimum == durations.min())
    }

    @Test func topPathsByCountWithGroupPercentiles() {
        let key = GroupKey.routeOrPath
        let aggregate = self.analyse { $0.groupings.append(TopReport.grouping(key)) }
        let report = TopReport.build(aggregate, key: key, sort: .count, limit: 10)
        let rows = report.section("top")?.rows ?? []
        #expect(rows.map { $0[0] } == [.text("/api/items/:id"), .text("/"), .text("/api/search"), .text("/healthz")])
        #expect(rows.map { $0[1] } == [.integer(2400), .integer(1800), .integer(1200), .integer(600)])
        let table = aggregate.table(for: TopReport.grouping(key))!
        for entry in table.entries {
            let durations = self.fixture.records.filter { ($0.route ?? $0.path) == entry.key }.map(\.duration)
            let exact = Exact.percentile(durations, 99)
            #expect(Exact.within(entry.stats.latency!.percentile(99), exact, bound: LatencyHistogram.Precision.coarse.relativeErrorBound))
        }
    }

    @Test func topByStatusSortedByErrorsAndAnyKey() {
        let catalog = FieldCatalog()
        let tenant = GroupKey.named("tenant", catalog: catalog)
        let aggregate = self.analyse {
            $0.groupings = [TopReport.grouping(.field(.known(.status))), TopReport.grouping(tenant)]
            $0.extraKeys = catalog.extraKeys
        }
        let statuses = TopReport.build(aggregate, key: .field(.known(.status)), sort: .errors, limit: 2).section("top")?.rows ?? []
        #expect(statuses.map { $0[1] } == [.integer(120), .integer(120)])
        #expect(statuses.map { $0[0] } == [.text("500"), .text("503")])
        let tenants = TopReport.build(aggregate, key: tenant, sort: .count, limit: 5).section("top")?.rows ?? []
        let variants = self.fixture.records.indices.filter { $0 % 7 == 0 }
        let t0 = variants.filter { self.fixture.records[$0].worker % 2 == 0 }.count
        #expect(tenants.contains { $0[0] == .text("-") && $0[1] == .integer(6000 - variants.count) })
        #expect(tenants.contains { $0[0] == .text("t0") && $0[1] == .integer(t0) })
    }

    @Test func timelineBucketsPerMinute() {
        let aggregate = self.analyse { $0.timelineBucket = 60_000_000 }
        let rows = TimelineReport.build(aggregate, width: 60_000_000).section("timeline")?.rows ?? []
        #expect(rows.count == 10)
        #expect(rows.allSatisfy { $0[1] == .integer(600) })
        #expect(rows.first?[0] == .time(AccessLogFixture.start))
        let firstMinute = self.fixture.records.prefix(600)
        #expect(rows.first?[3] == .integer(firstMinute.filter { $0.status >= 500 }.count))
        let exact = Exact.percentile(firstMinute.map(\.duration), 99)
        if case .duration(let reported) = rows.first?[7] {
            #expect(Exact.within(reported, exact, bound: 0.01))
        } else {
            Issue.record("p99 column missing")
        }
    }

    @Test func slowRequests() {
        let threshold: Int64 = 90_000
        let aggregate = self.analyse { SlowReport.configure(&$0, threshold: threshold, limit: 5) }
        let slow = self.fixture.records.filter { $0.duration > threshold }
        #expect(aggregate.slowCount == slow.count)
        #expect(aggregate.slowest.map(\.durationMicroseconds) == Array(slow.map(\.duration).sorted(by: >).prefix(5)))
        let report = SlowReport.build(aggregate, threshold: threshold, limit: 5)
        #expect(report.section("slow")?.field("slow_requests") == .integer(slow.count))
    }

    @Test func errorsGroupedWithFirstAndLastSeen() {
        let aggregate = self.analyse { ErrorsReport.configure(&$0) }
        let report = ErrorsReport.build(aggregate, limit: 50)
        let responses = report.section("server_errors")?.rows ?? []
        #expect(responses.reduce(0) { total, row in if case .integer(let count) = row[3] { total + count } else { total } } == 240)
        let messages = report.section("error_records")?.rows ?? []
        #expect(messages.count == 1)
        #expect(messages.first?[0] == .text("db timeout"))
        #expect(messages.first?[1] == .integer(12))
    }

    @Test func filterSelectsTheSameRecordsAsThePredicate() throws {
        let filter = try FilterExpression.parse("status>=500 and path~\"^/api\" and duration_ms>25")
        let aggregate = self.analyse { $0.filter = filter }
        let expected = self.fixture.records.filter { $0.status >= 500 && $0.path.hasPrefix("/api") && $0.duration > 25_000 }
        #expect(aggregate.requests == expected.count)
        #expect(aggregate.filteredOut == 6000 - expected.count)
    }

    @Test func summaryReportShape() {
        let aggregate = self.analyse { SummaryReport.configure(&$0) }
        let report = SummaryReport.build(aggregate)
        #expect(report.section("overview")?.field("requests") == .integer(6000))
        #expect(report.section("overview")?.field("peak_minute_rps") == .number(10, decimals: 2))
        #expect(report.section("top_clients")?.rows?.count == 10)
        let agents = report.section("top_user_agents")?.rows ?? []
        #expect(agents.first?[0] == .text("Mozilla/5.0"))
        #expect(agents.last?[0] == .text("curl/8 \"quoted\""))
        #expect(agents.last?[1] == .integer(2000))
    }
}
