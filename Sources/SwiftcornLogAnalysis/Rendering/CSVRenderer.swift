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
