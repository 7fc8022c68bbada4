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
