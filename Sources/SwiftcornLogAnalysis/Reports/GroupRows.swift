/// Table rows for grouped stats, shared by `summary`, `top`, `latency --by`, `slow` and `errors`.
enum GroupRows {
    /// The columns of ``standard(_:total:)``.
    static let standardColumns = ["key", "count", "share", "5xx", "error_rate", "4xx", "bytes_out", "p50", "p90", "p99", "max"]

    /// Count, share, errors, bytes and (when tracked) latency percentiles per group.
    static func standard(_ entries: [(key: String, stats: GroupStats)], total: Int) -> [[ReportValue]] {
        entries.map { entry in
            let stats = entry.stats
            let latency = stats.latency
            return [
                .text(entry.key),
                .integer(stats.count),
                .ratio(total > 0 ? Double(stats.count) / Double(total) : 0),
                .integer(stats.serverErrors),
                .ratio(stats.count > 0 ? Double(stats.serverErrors) / Double(stats.count) : 0),
                .integer(stats.clientErrors),
                .integer(Int(stats.bytesOut)),
                latency.map { .duration($0.percentile(50)) } ?? .none,
                latency.map { .duration($0.percentile(90)) } ?? .none,
                latency.map { .duration($0.percentile(99)) } ?? .none,
                latency.map { .duration($0.maximum) } ?? .none,
            ]
        }
    }

    /// Key, count, share and 5xx only (for groups without latency).
    static func counts(_ entries: [(key: String, stats: GroupStats)], total: Int) -> [[ReportValue]] {
        entries.map { entry in
            [
                .text(entry.key), .integer(entry.stats.count),
                .ratio(total > 0 ? Double(entry.stats.count) / Double(total) : 0),
                .integer(entry.stats.serverErrors),
            ]
        }
    }

    /// The columns of ``counts(_:total:)``.
    static let countColumns = ["key", "count", "share", "5xx"]
}
