/// Renders a report for a terminal: headings, aligned key/value lines, aligned tables, charts.
enum TableRenderer {
    /// Longest cell shown before truncating with `…`.
    static let maxCellWidth = 60

    /// The text.
    static func render(_ report: Report) -> String {
        var blocks: [String] = []
        for section in report.sections {
            var lines = [section.title]
            switch section.content {
            case .fields(let fields):
                let width = fields.map(\.name.count).max() ?? 0
                lines += fields.map { "  " + Self.pad($0.name + ":", width + 1, right: false) + " " + Self.cell($0.value) }
            case .table(let columns, let rows):
                if rows.isEmpty {
                    lines.append("  (none)")
                    break
                }
                let cells = rows.map { $0.map(Self.cell) }
                var widths = columns.map(\.count)
                for row in cells {
                    for (index, cell) in row.enumerated() where index < widths.count {
                        widths[index] = max(widths[index], cell.count)
                    }
                }
                let numeric = columns.indices.map { index in rows.allSatisfy { index < $0.count && ($0[index].isNumeric || $0[index] == .none) } }
                lines.append("  " + columns.indices.map { Self.pad(columns[$0], widths[$0], right: numeric[$0]) }.joined(separator: "  "))
                for row in cells {
                    lines.append("  " + row.indices.map { Self.pad(row[$0], widths[$0], right: numeric[$0]) }.joined(separator: "  "))
                }
            case .chart(let chart):
                lines += chart.map { "  " + $0 }
            }
            blocks.append(lines.map { Self.trimTrailing($0) }.joined(separator: "\n"))
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    /// A value for people.
    static func cell(_ value: ReportValue) -> String {
        let text: String
        switch value {
        case .integer(let integer): text = String(integer)
        case .number(let number, let decimals): text = NumberText.fixed(number, decimals: decimals)
        case .text(let string): text = string.isEmpty ? "\"\"" : string
        case .duration(let micros): text = NumberText.humanDuration(micros)
        case .time(let micros): text = Timestamp.format(micros, fractional: false)
        case .ratio(let ratio): text = NumberText.fixed(ratio * 100, decimals: 2) + "%"
        case .none: text = "-"
        }
        let printable = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 ? "·" : $0 }))
        return printable.count > Self.maxCellWidth ? String(printable.prefix(Self.maxCellWidth - 1)) + "…" : printable
    }

    /// Pads to `width` characters.
    private static func pad(_ text: String, _ width: Int, right: Bool) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }

    /// Drops trailing spaces.
    private static func trimTrailing(_ line: String) -> String {
        var line = line
        while line.last == " " {
            line.removeLast()
        }
        return line
    }
}
