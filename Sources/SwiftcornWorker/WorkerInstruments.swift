import SwiftcornMetrics

/// Where a worker's requests are measured: its slot of the master's worker-slot region and statsd,
/// each absent when turned off.
struct WorkerInstruments: Sendable {
    /// The server's Prometheus instruments.
    let http: HTTPServerMetrics?
    /// The statsd client.
    let statsd: StatsdClient?
}
