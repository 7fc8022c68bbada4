/// What one pass over the input computes.
package struct AnalysisOptions: Sendable {
    /// Group-by tables to fill.
    package var groupings: [Grouping] = []
    /// Timeline bucket width in µs, or nil for no timeline.
    package var timelineBucket: Int64?
    /// Requests slower than this (µs) are listed by `slow`, or nil.
    package var slowThreshold: Int64?
    /// How many of the slowest requests `slow` keeps.
    package var slowestLimit = 20
    /// Whether error log records are grouped by message.
    package var collectErrorRecords = false
    /// The `--where` filter.
    package var filter: FilterExpression?
    /// Non-schema keys the parser must locate (from ``FieldCatalog``).
    package var extraKeys: [String] = []
    /// Longer lines are skipped and counted as ``InputProblem/lineTooLong``.
    package var maxLineBytes = 1 << 20
    /// Parsing threads; defaults to the number of CPUs.
    package var workers = 0
    /// How many problem lines are kept for the stderr report.
    package var sampleLimit = 5

    /// Creates default options.
    package init() {}
}
