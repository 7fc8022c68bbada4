import SwiftcornFormat

/// A parsed `--where` expression.
package indirect enum FilterExpression: Sendable, Equatable {
    /// Both sides hold.
    case and(FilterExpression, FilterExpression)
    /// Either side holds.
    case or(FilterExpression, FilterExpression)
    /// The operand does not hold.
    case not(FilterExpression)
    /// The record has the field (a bare field name).
    case exists(RecordField)
    /// A numeric comparison; durations in milliseconds, `ts` in µs since the epoch.
    case number(RecordField, FilterComparison, Double)
    /// A status-class comparison, `status=5xx`.
    case statusClass(FilterComparison, Int)
    /// A string comparison, or a regex search for `~`/`!~`.
    case text(RecordField, FilterComparison, String)

    /// Parses `text`, throwing a ``FilterError`` that points at the offending column.
    package static func parse(_ text: String) throws(FilterError) -> FilterExpression {
        var parser = try FilterParser(text)
        return try parser.parseAll()
    }
}
