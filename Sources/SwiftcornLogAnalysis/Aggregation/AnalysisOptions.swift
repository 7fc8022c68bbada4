/// What one pass over the input computes.
public struct AnalysisOptions: Sendable {
    /// Group-by tables to fill.
    public var groupings: [Grouping] = []
    /// Timeline bucket width in µs, or nil for no timeline.
    public var timelineBucket: Int64?
    /// Requests slower than this (µs) are listed by `slow`, or nil.
    public var slowThreshold: Int64?
    /// How many of the slowest requests `slow` keeps.
    public var slowestLimit = 20
    /// Whether error log records are grouped by message.
    public var collectErrorRecords = false
    /// The `--where` filter.
    public var filter: FilterExpression?
    /// Non-schema keys the parser must locate (from ``FieldCatalog``).
    public var extraKeys: [String] = []
    /// Longer lines are skipped and counted as ``InputProblem/lineTooLong``.
    public var maxLineBytes = 1 << 20
    /// Parsing threads; defaults to the number of CPUs.
    public var workers = 0
    /// How many problem lines are kept for the stderr report.
    public var sampleLimit = 5

    /// Creates default options.
    public init() {}
}
