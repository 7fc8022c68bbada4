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
