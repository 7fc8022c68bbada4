/// Everything one pass computes; workers fill partial aggregates that are merged at the end.
public struct Aggregate: Sendable {
    /// The options it was computed with.
    public let options: AnalysisOptions
    /// Lines read, good or bad (blank lines excluded).
    public var lines = 0
    /// Bytes read (decompressed).
    public var bytes = 0
    /// Access records that passed the filter.
    public var requests = 0
    /// Access records the filter rejected.
    public var filteredOut = 0
    /// Well-formed records that are not access records (error logs, other events).
    public var otherRecords = 0
    /// Requests per status code 0…999.
    public var statusCounts = [Int](repeating: 0, count: 1000)
    /// Response body bytes.
    public var bytesOut: Int64 = 0
    /// Request body bytes.
    public var bytesIn: Int64 = 0
    /// Whole-input durations (fine precision).
    public var latency = LatencyHistogram(precision: .fine, exactFirst: false)
    /// Earliest request timestamp, µs.
    public var firstTimestamp: Int64 = .max
    /// Latest request timestamp, µs.
    public var lastTimestamp: Int64 = .min
    /// Requests per minute (minute index since the epoch), for peak rates.
    public var perMinute: [Int64: Int] = [:]
    /// Timeline buckets by bucket index, when asked for.
    public var timeline: [Int64: TimeBucket] = [:]
    /// One table per requested grouping.
    public var groups: [GroupTable]
    /// Requests slower than the threshold.
    public var slowCount = 0
    /// The slowest requests over the threshold, slowest first.
    public var slowest: [SlowRequest] = []
    /// Error log records grouped by message.
    public var errorRecords = GroupTable(tracksLatency: false)
    /// Unusable input.
    public var diagnostics: InputDiagnostics

    /// Creates an empty aggregate for `options`.
    public init(options: AnalysisOptions) {
        self.options = options
        self.groups = options.groupings.map { GroupTable(tracksLatency: $0.tracksLatency) }
        self.diagnostics = InputDiagnostics(sampleLimit: options.sampleLimit)
    }

    /// The table for `grouping`, if it was requested.
    public func table(for grouping: Grouping) -> GroupTable? {
        self.options.groupings.firstIndex(of: grouping).map { self.groups[$0] }
    }

    /// Requests with a 5xx status.
    public var serverErrors: Int { self.statusCounts[500..<600].reduce(0, +) }

    /// Requests with a 4xx status.
    public var clientErrors: Int { self.statusCounts[400..<500].reduce(0, +) }
}
