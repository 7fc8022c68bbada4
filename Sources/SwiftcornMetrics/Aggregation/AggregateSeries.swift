/// A series as the master exports it: the sum of every worker's series of the same name.
package struct AggregateSeries: Sendable {
    /// Name and labels.
    package let name: SeriesName
    /// What it holds.
    package let kind: SeriesKind
    /// Where its words start in the flat arrays of totals.
    package let offset: Int
    /// When the master first saw it, in seconds since the epoch (OpenMetrics `_created`).
    package let created: Double
}
