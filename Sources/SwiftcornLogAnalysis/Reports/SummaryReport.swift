/// `summary`: the one-screen answer to "what is going on".
package enum SummaryReport {
    /// Paths (or routes), with latency for the by-p99 list.
    package static let routes = Grouping(.routeOrPath, tracksLatency: true)
    /// Clients.
    package static let clients = Grouping(.field(.known(.remoteAddress)), tracksLatency: false)
    /// User agents.
    package static let agents = Grouping(.field(.known(.userAgent)), tracksLatency: false)

    /// Adds what `summary` needs to `options`.
    package static func configure(_ options: inout AnalysisOptions) {
        options.groupings += [Self.routes, Self.clients, Self.agents]
    }

    /// Builds the report; `limit` bounds each top list.
    package static func build(_ aggregate: Aggregate, limit: Int = 10) -> Report {
        let total = aggregate.requests
        var sections = [Self.overview(aggregate)]
        let classes = (1...5).map { digit in
            let count = aggregate.statusCounts[(digit * 100)..<(digit * 100 + 100)].reduce(0, +)
            return [ReportValue.text("\(digit)xx"), .integer(count), .ratio(total > 0 ? Double(count) / Double(total) : 0)]
        }
        sections.append(
            ReportSection(name: "status_classes", title: "Status classes", content: .table(columns: ["class", "count", "share"], rows: classes))
        )
        let statuses = aggregate.statusCounts.indices.filter { aggregate.statusCounts[$0] > 0 }
            .sorted { (aggregate.statusCounts[$0], -$0) > (aggregate.statusCounts[$1], -$1) }
            .prefix(limit)
            .map {
                [
                    ReportValue.integer($0), .integer(aggregate.statusCounts[$0]),
                    .ratio(total > 0 ? Double(aggregate.statusCounts[$0]) / Double(total) : 0),
                ]
            }
        sections.append(
            ReportSection(name: "top_statuses", title: "Top statuses", content: .table(columns: ["status", "count", "share"], rows: statuses))
        )
        if let routes = aggregate.table(for: Self.routes) {
            let entries = routes.entries
            let byCount = TopSort.count.rank(entries, limit: limit)
            sections.append(
                ReportSection(
                    name: "top_paths",
                    title: "Top paths (routes when set) by count",
                    content: .table(columns: GroupRows.standardColumns, rows: GroupRows.standard(byCount, total: total))
                )
            )
            // Single requests make a noisy p99 list; prefer groups with a handful of samples.
            let busy = entries.filter { $0.stats.count >= 10 }
            let bySlowness = TopSort.p99.rank(busy.isEmpty ? entries : busy, limit: limit)
            sections.append(
                ReportSection(
                    name: "slowest_paths",
                    title: "Top paths (routes when set) by p99",
                    content: .table(columns: GroupRows.standardColumns, rows: GroupRows.standard(bySlowness, total: total))
                )
            )
        }
        for (grouping, name, title) in [(Self.clients, "top_clients", "Top clients"), (Self.agents, "top_user_agents", "Top user agents")] {
            guard let table = aggregate.table(for: grouping) else { continue }
            let top = TopSort.count.rank(table.entries, limit: limit)
            sections.append(
                ReportSection(name: name, title: title, content: .table(columns: GroupRows.countColumns, rows: GroupRows.counts(top, total: total)))
            )
        }
        sections.append(Self.malformed(aggregate))
        return Report(command: "summary", sections: sections)
    }

    /// Totals, span, rates, error rate, latency percentiles, bytes.
    static func overview(_ aggregate: Aggregate) -> ReportSection {
        let total = aggregate.requests
        let latency = aggregate.latency
        var fields: [(name: String, value: ReportValue)] = [("requests", .integer(total))]
        if total > 0 {
            let span = aggregate.lastTimestamp - aggregate.firstTimestamp
            let seconds = max(Double(span) / 1_000_000, 1)
            let peak = aggregate.perMinute.max { ($0.value, -$0.key) < ($1.value, -$1.key) }
            fields += [
                ("first", .time(aggregate.firstTimestamp)),
                ("last", .time(aggregate.lastTimestamp)),
                ("span_seconds", .number(Double(span) / 1_000_000, decimals: 3)),
                ("mean_rps", .number(Double(total) / seconds, decimals: 2)),
                ("peak_minute", peak.map { .time($0.key * 60_000_000) } ?? .none),
                ("peak_minute_rps", .number(Double(peak?.value ?? 0) / 60, decimals: 2)),
                ("error_rate_5xx", .ratio(Double(aggregate.serverErrors) / Double(total))),
                ("rate_4xx", .ratio(Double(aggregate.clientErrors) / Double(total))),
                ("latency_p50", .duration(latency.percentile(50))),
                ("latency_p90", .duration(latency.percentile(90))),
                ("latency_p99", .duration(latency.percentile(99))),
                ("latency_p99_9", .duration(latency.percentile(99.9))),
                ("latency_max", .duration(latency.maximum)),
                ("latency_mean", .duration(Int64(latency.mean.rounded()))),
                ("bytes_out", .integer(Int(aggregate.bytesOut))),
                ("bytes_in", .integer(Int(aggregate.bytesIn))),
            ]
        }
        fields += [
            ("lines", .integer(aggregate.lines)),
            ("malformed_lines", .integer(aggregate.diagnostics.total)),
            ("filtered_out", .integer(aggregate.filteredOut)),
            ("other_records", .integer(aggregate.otherRecords)),
        ]
        return ReportSection(name: "overview", title: "Overview", content: .fields(fields))
    }

    /// Bad input per kind.
    static func malformed(_ aggregate: Aggregate) -> ReportSection {
        let rows = InputProblem.allCases.filter { aggregate.diagnostics.count($0) > 0 }.map {
            [ReportValue.text($0.key), .integer(aggregate.diagnostics.count($0))]
        }
        return ReportSection(name: "malformed", title: "Malformed input", content: .table(columns: ["kind", "count"], rows: rows))
    }
}
