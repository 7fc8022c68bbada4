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
