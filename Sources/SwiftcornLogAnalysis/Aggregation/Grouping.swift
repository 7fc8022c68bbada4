/// One group-by table an analysis fills.
public struct Grouping: Sendable, Hashable {
    /// The key.
    public var key: GroupKey
    /// Whether groups keep latency histograms (p99 per group costs memory).
    public var tracksLatency: Bool
    /// Whether only 5xx responses are counted.
    public var serverErrorsOnly: Bool
    /// When set, only requests slower than this many µs are counted.
    public var slowerThan: Int64?

    /// Creates a grouping.
    public init(_ key: GroupKey, tracksLatency: Bool, serverErrorsOnly: Bool = false, slowerThan: Int64? = nil) {
        self.key = key
        self.tracksLatency = tracksLatency
        self.serverErrorsOnly = serverErrorsOnly
        self.slowerThan = slowerThan
    }
}
