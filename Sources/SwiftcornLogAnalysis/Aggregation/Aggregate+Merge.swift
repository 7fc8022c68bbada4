extension Aggregate {
    /// Adds a partial aggregate computed with the same options.
    package mutating func merge(_ other: Aggregate) {
        self.lines += other.lines
        self.bytes += other.bytes
        self.requests += other.requests
        self.filteredOut += other.filteredOut
        self.otherRecords += other.otherRecords
        for index in self.statusCounts.indices {
            self.statusCounts[index] += other.statusCounts[index]
        }
        self.bytesOut &+= other.bytesOut
        self.bytesIn &+= other.bytesIn
        self.latency.merge(other.latency)
        self.firstTimestamp = min(self.firstTimestamp, other.firstTimestamp)
        self.lastTimestamp = max(self.lastTimestamp, other.lastTimestamp)
        self.perMinute.merge(other.perMinute, uniquingKeysWith: +)
        for (index, bucket) in other.timeline {
            self.timeline[index, default: TimeBucket()].merge(bucket)
        }
        for index in self.groups.indices {
            self.groups[index].merge(other.groups[index])
        }
        self.slowCount += other.slowCount
        self.slowest = Array(
            (self.slowest + other.slowest).sorted { $0.durationMicroseconds > $1.durationMicroseconds }.prefix(self.options.slowestLimit)
        )
        self.errorRecords.merge(other.errorRecords)
        self.diagnostics.merge(other.diagnostics)
    }
}
