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
    /// The metric name's bytes, rendered once: a scrape copies them.
    let metricBytes: [UInt8]
    /// The labels' bytes, rendered once.
    let labelBytes: [UInt8]

    init(name: SeriesName, kind: SeriesKind, offset: Int, created: Double) {
        self.name = name
        self.kind = kind
        self.offset = offset
        self.created = created
        self.metricBytes = Array(name.metric.utf8)
        self.labelBytes = Array(name.labels.utf8)
    }
}
