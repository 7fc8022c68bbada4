/// `top --by KEY`: the busiest (or slowest, most failing, heaviest) values of one key.
package enum TopReport {
    /// The grouping `top` fills for `key`.
    package static func grouping(_ key: GroupKey) -> Grouping {
        Grouping(key, tracksLatency: true)
    }

    /// Builds the report.
    package static func build(_ aggregate: Aggregate, key: GroupKey, sort: TopSort, limit: Int) -> Report {
        let table = aggregate.table(for: Self.grouping(key)) ?? GroupTable(tracksLatency: true)
        let ranked = sort.rank(table.entries, limit: limit)
        var columns = GroupRows.standardColumns
        columns[0] = key.description
        let section = ReportSection(
            name: "top",
            title: "Top \(key) by \(sort.rawValue) (\(table.count) distinct, \(aggregate.requests) requests)",
            content: .table(columns: columns, rows: GroupRows.standard(ranked, total: aggregate.requests))
        )
        return Report(command: "top", sections: [section])
    }
}
