import SwiftcornFormat

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
