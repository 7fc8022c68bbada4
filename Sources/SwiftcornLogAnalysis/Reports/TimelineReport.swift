/// `timeline --bucket 1m`: per bucket count, rate, errors and p99, with sparklines.
package enum TimelineReport {
    /// More buckets than this are not padded with empty ones.
    static let maxFilledBuckets = 100_000

    /// Builds the report; `width` is the bucket width in µs.
    package static func build(_ aggregate: Aggregate, width: Int64) -> Report {
        let keys = aggregate.timeline.keys.sorted()
        var indices = keys
        if let first = keys.first, let last = keys.last, last - first < Int64(Self.maxFilledBuckets) {
            indices = Array(first...last)
        }
        let seconds = Double(width) / 1_000_000
        var rows: [[ReportValue]] = []
        var counts: [Double] = []
        var errors: [Double] = []
        var slowness: [Double] = []
        for index in indices {
            let bucket = aggregate.timeline[index] ?? TimeBucket()
            let p99 = bucket.latency.percentile(99)
            rows.append([
                .time(index * width), .integer(bucket.count), .number(Double(bucket.count) / seconds, decimals: 2),
                .integer(bucket.serverErrors), .ratio(bucket.count > 0 ? Double(bucket.serverErrors) / Double(bucket.count) : 0),
                .integer(bucket.clientErrors), .duration(bucket.latency.percentile(50)), .duration(p99),
            ])
            counts.append(Double(bucket.count))
            errors.append(Double(bucket.serverErrors))
            slowness.append(Double(p99))
        }
        let columns = ["start", "count", "rps", "5xx", "error_rate", "4xx", "p50", "p99"]
        let chart = ["requests " + Sparkline.render(counts), "5xx      " + Sparkline.render(errors), "p99      " + Sparkline.render(slowness)]
        return Report(
            command: "timeline",
            sections: [
                ReportSection(
                    name: "timeline",
                    title: "Timeline (\(NumberText.interval(width)) buckets)",
                    content: .table(columns: columns, rows: rows)
                ),
                ReportSection(name: "sparklines", title: "Trend", content: .chart(chart)),
            ]
        )
    }
}
