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
