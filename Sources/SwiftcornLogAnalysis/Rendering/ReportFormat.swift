import SwiftcornFormat

/// An output format.
package enum ReportFormat: String, Sendable, CaseIterable {
    /// Aligned columns for people.
    case table
    /// One JSON object for scripts.
    case json
    /// Comma-separated values, one block per section.
    case csv

    /// Renders `report` in this format.
    package func render(_ report: Report) -> String {
        switch self {
        case .table: TableRenderer.render(report)
        case .json: JSONRenderer.render(report)
        case .csv: CSVRenderer.render(report)
        }
    }
}

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

/// Renders a report as CSV: a single table plainly; several sections each under a `# name` line.
enum CSVRenderer {
    /// The CSV text.
    static func render(_ report: Report) -> String {
        let sections = report.sections.filter {
            if case .chart = $0.content { return false }
            return true
        }
        var blocks: [String] = []
        for section in sections {
            var lines: [String] = []
            if sections.count > 1 {
                lines.append("# " + section.name)
            }
            switch section.content {
            case .fields(let fields):
                lines.append("field,value")
                lines += fields.map { Self.cell(.text($0.name)) + "," + Self.cell($0.value) }
            case .table(let columns, let rows):
                lines.append(columns.map { Self.cell(.text($0)) }.joined(separator: ","))
                lines += rows.map { $0.map(Self.cell).joined(separator: ",") }
            case .chart:
                continue
            }
            blocks.append(lines.joined(separator: "\n") + "\n")
        }
        return blocks.joined(separator: "\n")
    }

    /// One cell, quoted when it holds a comma, quote or newline (RFC 4180).
    static func cell(_ value: ReportValue) -> String {
        let text: String
        switch value {
        case .text(let string): text = string
        case .none: text = ""
        case .time(let micros): text = Timestamp.format(micros)
        default: text = JSONRenderer.value(value)
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}

/// Renders a report as one JSON object: field sections become objects, tables arrays of objects.
enum JSONRenderer {
    /// The JSON text, newline-terminated.
    static func render(_ report: Report) -> String {
        var output = "{\"command\":" + Self.string(report.command)
        for section in report.sections {
            switch section.content {
            case .fields(let fields):
                output += "," + Self.string(section.name) + ":{"
                output += fields.map { Self.string($0.name) + ":" + Self.value($0.value) }.joined(separator: ",")
                output += "}"
            case .table(let columns, let rows):
                output += "," + Self.string(section.name) + ":["
                output += rows.map { row in
                    "{" + zip(columns, row).map { Self.string($0.0) + ":" + Self.value($0.1) }.joined(separator: ",") + "}"
                }.joined(separator: ",")
                output += "]"
            case .chart:
                continue
            }
        }
        return output + "}\n"
    }

    /// A value as JSON.
    static func value(_ value: ReportValue) -> String {
        switch value {
        case .integer(let integer): String(integer)
        case .number(let number, let decimals): number.isFinite ? NumberText.fixed(number, decimals: decimals) : "null"
        case .text(let text): Self.string(text)
        case .duration(let micros): NumberText.milliseconds(micros)
        case .time(let micros): Self.string(Timestamp.format(micros))
        case .ratio(let ratio): ratio.isFinite ? NumberText.fixed(ratio, decimals: 6) : "null"
        case .none: "null"
        }
    }

    /// A JSON string literal, escaped as the server's log lines are.
    static func string(_ text: String) -> String {
        JSONString.quoted(text)
    }
}
