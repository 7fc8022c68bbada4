/// `slow --over 500ms`: how many requests were slow, where, and the slowest ones.
package enum SlowReport {
    /// The per-route grouping of slow requests.
    package static func grouping(threshold: Int64) -> Grouping {
        Grouping(.routeOrPath, tracksLatency: true, slowerThan: threshold)
    }

    /// Adds what `slow` needs to `options`.
    package static func configure(_ options: inout AnalysisOptions, threshold: Int64, limit: Int) {
        options.slowThreshold = threshold
        options.slowestLimit = limit
        options.groupings.append(Self.grouping(threshold: threshold))
    }

    /// Builds the report.
    package static func build(_ aggregate: Aggregate, threshold: Int64, limit: Int) -> Report {
        let total = aggregate.requests
        let overview = ReportSection(
            name: "slow",
            title: "Requests slower than \(NumberText.humanDuration(threshold))",
            content: .fields([
                ("threshold_ms", .duration(threshold)), ("requests", .integer(total)), ("slow_requests", .integer(aggregate.slowCount)),
                ("share", .ratio(total > 0 ? Double(aggregate.slowCount) / Double(total) : 0)),
            ])
        )
        let groups = aggregate.table(for: Self.grouping(threshold: threshold))?.entries ?? []
        let byRoute = ReportSection(
            name: "by_path",
            title: "Slow requests by path (route when set)",
            content: .table(
                columns: GroupRows.standardColumns,
                rows: GroupRows.standard(TopSort.count.rank(groups, limit: limit), total: aggregate.slowCount)
            )
        )
        let rows = aggregate.slowest.map { request in
            [
                ReportValue.time(request.timestamp), .duration(request.durationMicroseconds), .integer(request.status), .text(request.method),
                .text(request.path), .text(request.requestID),
            ]
        }
        let slowest = ReportSection(
            name: "slowest",
            title: "Slowest requests",
            content: .table(columns: ["ts", "duration", "status", "method", "path", "request_id"], rows: rows)
        )
        return Report(command: "slow", sections: [overview, byRoute, slowest])
    }
}
