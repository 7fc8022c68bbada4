/// One group-by table an analysis fills.
package struct Grouping: Sendable, Hashable {
    /// The key.
    package var key: GroupKey
    /// Whether groups keep latency histograms (p99 per group costs memory).
    package var tracksLatency: Bool
    /// Whether only 5xx responses are counted.
    package var serverErrorsOnly: Bool
    /// When set, only requests slower than this many µs are counted.
    package var slowerThan: Int64?

    /// Creates a grouping.
    package init(_ key: GroupKey, tracksLatency: Bool, serverErrorsOnly: Bool = false, slowerThan: Int64? = nil) {
        self.key = key
        self.tracksLatency = tracksLatency
        self.serverErrorsOnly = serverErrorsOnly
        self.slowerThan = slowerThan
    }
}
