/// `errors`: 5xx responses grouped by status, method and route, and error log records by message.
package enum ErrorsReport {
    /// 5xx responses by `status method route-or-path`.
    package static let signatures = Grouping(.errorSignature, tracksLatency: false, serverErrorsOnly: true)

    /// Adds what `errors` needs to `options`.
    package static func configure(_ options: inout AnalysisOptions) {
        options.groupings.append(Self.signatures)
        options.collectErrorRecords = true
    }

    /// Builds the report.
    package static func build(_ aggregate: Aggregate, limit: Int) -> Report {
        let total = aggregate.requests
        let overview = ReportSection(
            name: "errors",
            title: "Errors",
            content: .fields([
                ("requests", .integer(total)), ("server_errors", .integer(aggregate.serverErrors)),
                ("error_rate_5xx", .ratio(total > 0 ? Double(aggregate.serverErrors) / Double(total) : 0)),
                ("error_records", .integer(aggregate.errorRecords.entries.reduce(0) { $0 + $1.stats.count })),
            ])
        )
        let signatures = TopSort.count.rank(aggregate.table(for: Self.signatures)?.entries ?? [], limit: limit)
        let responseRows = signatures.map { entry -> [ReportValue] in
            let parts = entry.key.split(separator: " ", maxSplits: 2).map(String.init)
            return [
                .integer(Int(parts.first ?? "") ?? 0), .text(parts.count > 1 ? parts[1] : "-"), .text(parts.count > 2 ? parts[2] : "-"),
                .integer(entry.stats.count), .time(entry.stats.firstSeen), .time(entry.stats.lastSeen),
            ]
        }
        let messages = TopSort.count.rank(aggregate.errorRecords.entries, limit: limit).map { entry in
            [ReportValue.text(entry.key), .integer(entry.stats.count), .time(entry.stats.firstSeen), .time(entry.stats.lastSeen)]
        }
        return Report(
            command: "errors",
            sections: [
                overview,
                ReportSection(
                    name: "server_errors",
                    title: "5xx responses",
                    content: .table(columns: ["status", "method", "path", "count", "first_seen", "last_seen"], rows: responseRows)
                ),
                ReportSection(
                    name: "error_records",
                    title: "Error log records",
                    content: .table(columns: ["message", "count", "first_seen", "last_seen"], rows: messages)
                ),
            ]
        )
    }
}
