/// Requests grouped by the bytes of one key, e.g. per path or per client.
package struct GroupTable: Sendable {
    /// The interned keys.
    private var keys = ByteKeyTable()
    /// Stats per key index.
    private var stats: [GroupStats] = []
    /// Whether each group keeps a latency histogram (needed for p99 sorting).
    package let tracksLatency: Bool

    /// Creates an empty table.
    package init(tracksLatency: Bool) {
        self.tracksLatency = tracksLatency
    }

    /// Number of distinct keys.
    package var count: Int { self.keys.count }

    /// Counts one request under `key`.
    @inline(__always)
    mutating func add(_ key: UnsafeBufferPointer<UInt8>, status: Int, durationMicroseconds: Int64, bytesOut: Int64, timestamp: Int64) {
        let index = self.keys.index(of: key)
        if index == self.stats.count {
            self.stats.append(GroupStats(tracksLatency: self.tracksLatency))
        }
        self.stats[index].add(status: status, durationMicroseconds: durationMicroseconds, bytesOut: bytesOut, timestamp: timestamp)
    }

    /// Adds another partial table of the same grouping.
    mutating func merge(_ other: GroupTable) {
        for index in 0..<other.count {
            let key = other.keys.key(at: index)
            let target = key.withUnsafeBufferPointer { self.keys.index(of: $0) }
            if target == self.stats.count {
                self.stats.append(GroupStats(tracksLatency: self.tracksLatency))
            }
            self.stats[target].merge(other.stats[index])
        }
    }

    /// Every group with its key decoded for display.
    package var entries: [(key: String, stats: GroupStats)] {
        (0..<self.count).map { index in
            let key = self.keys.key(at: index).withUnsafeBufferPointer { JSONStringDecoding.decode($0) }
            return (key, self.stats[index])
        }
    }
}
