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

/// How `top` orders groups.
package enum TopSort: String, Sendable, CaseIterable {
    /// Most requests first.
    case count
    /// Slowest 99th percentile first.
    case p99
    /// Most 5xx responses first.
    case errors
    /// Most response bytes first.
    case bytes

    /// `entries` ordered by this key (ties by count, then key), at most `limit` of them.
    func rank(_ entries: [(key: String, stats: GroupStats)], limit: Int) -> [(key: String, stats: GroupStats)] {
        func measure(_ stats: GroupStats) -> Double {
            switch self {
            case .count: Double(stats.count)
            case .p99: Double(stats.latency?.percentile(99) ?? 0)
            case .errors: Double(stats.serverErrors)
            case .bytes: Double(stats.bytesOut)
            }
        }
        let sorted = entries.sorted { left, right in
            let a = measure(left.stats)
            let b = measure(right.stats)
            if a != b {
                return a > b
            }
            if left.stats.count != right.stats.count {
                return left.stats.count > right.stats.count
            }
            return left.key < right.key
        }
        return Array(sorted.prefix(max(0, limit)))
    }
}
