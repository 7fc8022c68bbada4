/// The result of a command, independent of the output format.
package struct Report: Sendable {
    /// The command, e.g. `summary`.
    package var command: String
    /// The sections in display order.
    package var sections: [ReportSection]

    /// Creates a report.
    package init(command: String, sections: [ReportSection]) {
        self.command = command
        self.sections = sections
    }

    /// The section named `name`.
    package func section(_ name: String) -> ReportSection? {
        self.sections.first { $0.name == name }
    }
}

/// A named part of a report: key/value fields, a table, or terminal-only text (charts).
package struct ReportSection: Sendable {
    /// The section's shape and data.
    package enum Content: Sendable {
        /// Named values, an object in JSON.
        case fields([(name: String, value: ReportValue)])
        /// Rows under named columns, an array of objects in JSON.
        case table(columns: [String], rows: [[ReportValue]])
        /// Lines only shown in table format (sparklines, bars).
        case chart([String])
    }

    /// The key in JSON output, also the CSV section name.
    package var name: String
    /// The heading in table output.
    package var title: String
    /// The data.
    package var content: Content

    /// Creates a section.
    package init(name: String, title: String, content: Content) {
        self.name = name
        self.title = title
        self.content = content
    }

    /// The table's rows, or nil for other shapes; for tests and scripts.
    package var rows: [[ReportValue]]? {
        if case .table(_, let rows) = self.content {
            return rows
        }
        return nil
    }

    /// A field's value, or nil; for tests and scripts.
    package func field(_ name: String) -> ReportValue? {
        if case .fields(let fields) = self.content {
            return fields.first { $0.name == name }?.value
        }
        return nil
    }
}

/// One value in a report, typed so each format can render it appropriately.
package enum ReportValue: Sendable, Equatable {
    /// A count or other integer.
    case integer(Int)
    /// A real number shown with `decimals` digits after the point.
    case number(Double, decimals: Int)
    /// Text.
    case text(String)
    /// A duration in µs: `12.345` (ms) in JSON/CSV, `12.3ms` in tables.
    case duration(Int64)
    /// A time in µs since the epoch, RFC 3339.
    case time(Int64)
    /// A fraction 0…1: a number in JSON/CSV, a percentage in tables.
    case ratio(Double)
    /// No value.
    case none

    /// Whether tables right-align it.
    var isNumeric: Bool {
        switch self {
        case .text, .time, .none: false
        default: true
        }
    }
}

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
