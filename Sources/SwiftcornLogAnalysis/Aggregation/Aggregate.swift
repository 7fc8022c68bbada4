/// Everything one pass computes; workers fill partial aggregates that are merged at the end.
package struct Aggregate: Sendable {
    /// The options it was computed with.
    package let options: AnalysisOptions
    /// Lines read, good or bad (blank lines excluded).
    package var lines = 0
    /// Bytes read (decompressed).
    package var bytes = 0
    /// Access records that passed the filter.
    package var requests = 0
    /// Access records the filter rejected.
    package var filteredOut = 0
    /// Well-formed records that are not access records (error logs, other events).
    package var otherRecords = 0
    /// Requests per status code 0…999.
    package var statusCounts = [Int](repeating: 0, count: 1000)
    /// Response body bytes.
    package var bytesOut: Int64 = 0
    /// Request body bytes.
    package var bytesIn: Int64 = 0
    /// Whole-input durations (fine precision).
    package var latency = LatencyHistogram(precision: .fine, exactFirst: false)
    /// Earliest request timestamp, µs.
    package var firstTimestamp: Int64 = .max
    /// Latest request timestamp, µs.
    package var lastTimestamp: Int64 = .min
    /// Requests per minute (minute index since the epoch), for peak rates.
    package var perMinute: [Int64: Int] = [:]
    /// Timeline buckets by bucket index, when asked for.
    package var timeline: [Int64: TimeBucket] = [:]
    /// One table per requested grouping.
    package var groups: [GroupTable]
    /// Requests slower than the threshold.
    package var slowCount = 0
    /// The slowest requests over the threshold, slowest first.
    package var slowest: [SlowRequest] = []
    /// Error log records grouped by message.
    package var errorRecords = GroupTable(tracksLatency: false)
    /// Unusable input.
    package var diagnostics: InputDiagnostics

    /// Creates an empty aggregate for `options`.
    package init(options: AnalysisOptions) {
        self.options = options
        self.groups = options.groupings.map { GroupTable(tracksLatency: $0.tracksLatency) }
        self.diagnostics = InputDiagnostics(sampleLimit: options.sampleLimit)
    }

    /// The table for `grouping`, if it was requested.
    package func table(for grouping: Grouping) -> GroupTable? {
        self.options.groupings.firstIndex(of: grouping).map { self.groups[$0] }
    }

    /// Requests with a 5xx status.
    package var serverErrors: Int { self.statusCounts[500..<600].reduce(0, +) }

    /// Requests with a 4xx status.
    package var clientErrors: Int { self.statusCounts[400..<500].reduce(0, +) }
}
