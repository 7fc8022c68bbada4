/// What is known about the requests that share one group key.
package struct GroupStats: Sendable {
    /// Requests in the group.
    package var count = 0
    /// Responses with a 5xx status.
    package var serverErrors = 0
    /// Responses with a 4xx status.
    package var clientErrors = 0
    /// Response body bytes.
    package var bytesOut: Int64 = 0
    /// Earliest timestamp seen, µs since the epoch.
    package var firstSeen: Int64 = .max
    /// Latest timestamp seen, µs since the epoch.
    package var lastSeen: Int64 = .min
    /// Durations, when the table tracks latency.
    package var latency: LatencyHistogram?

    /// Creates empty stats, with a coarse latency histogram when `tracksLatency`.
    init(tracksLatency: Bool) {
        self.latency = tracksLatency ? LatencyHistogram(precision: .coarse) : nil
    }

    /// Counts one request.
    @inline(__always)
    mutating func add(status: Int, durationMicroseconds: Int64, bytesOut: Int64, timestamp: Int64) {
        self.count += 1
        if status >= 500 {
            self.serverErrors += 1
        } else if status >= 400 {
            self.clientErrors += 1
        }
        self.bytesOut &+= bytesOut
        if timestamp < self.firstSeen {
            self.firstSeen = timestamp
        }
        if timestamp > self.lastSeen {
            self.lastSeen = timestamp
        }
        self.latency?.record(durationMicroseconds)
    }

    /// Adds another partial result for the same key.
    mutating func merge(_ other: GroupStats) {
        self.count += other.count
        self.serverErrors += other.serverErrors
        self.clientErrors += other.clientErrors
        self.bytesOut &+= other.bytesOut
        self.firstSeen = min(self.firstSeen, other.firstSeen)
        self.lastSeen = max(self.lastSeen, other.lastSeen)
        if let latency = other.latency {
            self.latency?.merge(latency)
        }
    }
}
