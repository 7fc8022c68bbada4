import SwiftcornMetrics

/// What the master's loop records for the side port: the workers' metrics region (absent when
/// the side port is off) and the master's own stats.
struct MasterObservation: Sendable {
    let aggregator: MetricsAggregator?
    let stats: MasterStats
    /// The master's statsd client (the `workers` gauge, its `log.*` counts), when configured.
    let statsd: StatsdClient?
}
