/// The result of a command, independent of the output format.
public struct Report: Sendable {
    /// The command, e.g. `summary`.
    public var command: String
    /// The sections in display order.
    public var sections: [ReportSection]

    /// Creates a report.
    public init(command: String, sections: [ReportSection]) {
        self.command = command
        self.sections = sections
    }

    /// The section named `name`.
    public func section(_ name: String) -> ReportSection? {
        self.sections.first { $0.name == name }
    }
}
