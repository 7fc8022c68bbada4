/// `latency [--by KEY]`: percentiles and a terminal histogram, optionally per group.
package enum LatencyReport {
    /// The percentiles reported.
    static let percentiles: [(String, Double)] = [("p50", 50), ("p75", 75), ("p90", 90), ("p95", 95), ("p99", 99), ("p99_9", 99.9)]

    /// Builds the report; `key` adds a per-group table of `limit` groups.
    package static func build(_ aggregate: Aggregate, key: GroupKey?, limit: Int) -> Report {
        let latency = aggregate.latency
        var fields: [(name: String, value: ReportValue)] = [("count", .integer(latency.count))]
        if latency.count > 0 {
            fields.append(("min", .duration(latency.minimum)))
            fields.append(("mean", .duration(Int64(latency.mean.rounded()))))
            fields += Self.percentiles.map { ($0.0, .duration(latency.percentile($0.1))) }
            fields.append(("max", .duration(latency.maximum)))
        }
        fields.append(("error_bound", .text("percentiles ≤0.1% above exact (≤1% per group)")))
        var sections = [ReportSection(name: "latency", title: "Latency", content: .fields(fields))]
        let buckets = latency.logBuckets()
        let rows = buckets.map { bucket in
            [
                ReportValue.duration(bucket.lower), .duration(bucket.upper), .integer(bucket.count),
                .ratio(latency.count > 0 ? Double(bucket.count) / Double(latency.count) : 0),
            ]
        }
        sections.append(ReportSection(name: "histogram", title: "Histogram", content: .table(columns: ["from", "to", "count", "share"], rows: rows)))
        let widest = buckets.map(\.count).max() ?? 0
        let bars = buckets.map { bucket in
            let label = NumberText.humanDuration(bucket.upper)
            let length = widest > 0 ? Int((Double(bucket.count) / Double(widest) * 50).rounded(.up)) : 0
            return String(repeating: " ", count: max(0, 8 - label.count)) + "<" + label + " " + String(repeating: "█", count: length)
                + " \(bucket.count)"
        }
        sections.append(ReportSection(name: "histogram_chart", title: "Distribution", content: .chart(bars)))
        if let key, let table = aggregate.table(for: TopReport.grouping(key)) {
            let ranked = TopSort.count.rank(table.entries, limit: limit)
            let groupRows = ranked.map { entry -> [ReportValue] in
                let histogram = entry.stats.latency ?? LatencyHistogram(precision: .coarse)
                return [.text(entry.key), .integer(entry.stats.count)] + Self.percentiles.map { .duration(histogram.percentile($0.1)) }
                    + [.duration(histogram.maximum)]
            }
            let columns = [key.description, "count"] + Self.percentiles.map(\.0) + ["max"]
            sections.append(ReportSection(name: "by_group", title: "Latency by \(key)", content: .table(columns: columns, rows: groupRows)))
        }
        return Report(command: "latency", sections: sections)
    }
}
