/// Requests within one timeline bucket.
package struct TimeBucket: Sendable {
    /// Requests.
    package var count = 0
    /// 5xx responses.
    package var serverErrors = 0
    /// 4xx responses.
    package var clientErrors = 0
    /// Durations, coarse precision (percentiles within 1 %).
    package var latency = LatencyHistogram(precision: .coarse)

    /// Counts one request.
    @inline(__always)
    mutating func add(status: Int, durationMicroseconds: Int64) {
        self.count += 1
        if status >= 500 {
            self.serverErrors += 1
        } else if status >= 400 {
            self.clientErrors += 1
        }
        self.latency.record(durationMicroseconds)
    }

    /// Adds another partial bucket.
    mutating func merge(_ other: TimeBucket) {
        self.count += other.count
        self.serverErrors += other.serverErrors
        self.clientErrors += other.clientErrors
        self.latency.merge(other.latency)
    }
}
