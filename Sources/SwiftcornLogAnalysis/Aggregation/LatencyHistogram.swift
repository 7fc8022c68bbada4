import Histogram

/// Request durations in microseconds, with percentiles from an HdrHistogram.
///
/// Error bound: a reported percentile is the upper edge of the HdrHistogram bucket holding the
/// exact nearest-rank percentile (clamped to the exact maximum), so it is never below the exact
/// value and at most 0.1 % above it with ``Precision/fine`` (3 significant digits, used for whole-input
/// latency) and at most 1 % above it with ``Precision/coarse`` (2 significant digits, used per group
/// and per time bucket). Groups with few samples keep them exactly, so small groups are exact.
/// Durations above one hour are counted in the top bucket; ``maximum`` stays exact.
package struct LatencyHistogram: Sendable {
    /// How finely values are resolved.
    package enum Precision: Sendable {
        /// Three significant digits: percentiles within 0.1 %.
        case fine
        /// Two significant digits: percentiles within 1 %, an eighth of the memory.
        case coarse

        /// The relative error bound of percentiles at this precision.
        package var relativeErrorBound: Double {
            switch self {
            case .fine: 0.001
            case .coarse: 0.01
            }
        }
    }

    /// The largest duration resolved; longer ones land in the top bucket.
    package static let highestTrackable: UInt64 = 3_600_000_000
    /// Samples kept exactly before switching to a histogram, to keep many small groups cheap.
    static let exactLimit = 32

    /// The precision of the histogram, once one exists.
    package let precision: Precision
    /// Samples while there are few of them.
    private var exact: [UInt32] = []
    /// Samples that do not fit `UInt32` while still exact.
    private var exactLarge: [UInt64] = []
    /// The histogram, once more than ``exactLimit`` samples arrived.
    private var histogram: Histogram<UInt32>?
    /// Number of samples.
    package private(set) var count = 0
    /// Sum of samples, for the mean.
    package private(set) var sum: Int64 = 0
    /// Largest sample, exact.
    package private(set) var maximum: Int64 = 0
    /// Smallest sample, exact.
    package private(set) var minimum: Int64 = .max

    /// Creates an empty histogram; `exactFirst` keeps the first samples exactly.
    package init(precision: Precision, exactFirst: Bool = true) {
        self.precision = precision
        if !exactFirst {
            self.histogram = Self.makeHistogram(precision)
        }
    }

    /// Records one duration in microseconds.
    @inline(__always)
    package mutating func record(_ microseconds: Int64) {
        self.count += 1
        self.sum &+= microseconds
        if microseconds > self.maximum {
            self.maximum = microseconds
        }
        if microseconds < self.minimum {
            self.minimum = microseconds
        }
        let value = UInt64(clamping: microseconds)
        if self.histogram != nil {
            self.histogram!.record(Swift.min(value, Self.highestTrackable))
            return
        }
        if self.exact.count + self.exactLarge.count < Self.exactLimit {
            if value <= UInt64(UInt32.max) {
                self.exact.append(UInt32(value))
            } else {
                self.exactLarge.append(value)
            }
            return
        }
        self.promote()
        self.histogram!.record(Swift.min(value, Self.highestTrackable))
    }

    /// Moves the exact samples into a new histogram.
    private mutating func promote() {
        var histogram = Self.makeHistogram(self.precision)
        for value in self.exact {
            histogram.record(UInt64(value))
        }
        for value in self.exactLarge {
            histogram.record(Swift.min(value, Self.highestTrackable))
        }
        self.exact = []
        self.exactLarge = []
        self.histogram = histogram
    }

    /// An empty HdrHistogram for `precision`.
    private static func makeHistogram(_ precision: Precision) -> Histogram<UInt32> {
        Histogram(
            lowestDiscernibleValue: 1,
            highestTrackableValue: Self.highestTrackable,
            numberOfSignificantValueDigits: precision == .fine ? .three : .two
        )
    }

    /// Adds `other`'s samples.
    package mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        self.sum &+= other.sum
        self.maximum = Swift.max(self.maximum, other.maximum)
        self.minimum = Swift.min(self.minimum, other.minimum)
        let samples = other.exact.map(UInt64.init) + other.exactLarge
        if self.histogram == nil, other.histogram == nil, self.exact.count + self.exactLarge.count + samples.count <= Self.exactLimit {
            self.exact += other.exact
            self.exactLarge += other.exactLarge
            self.count += other.count
            return
        }
        if self.histogram == nil {
            self.promote()
        }
        if let histogram = other.histogram {
            self.histogram!.add(histogram)
        }
        for value in samples {
            self.histogram!.record(Swift.min(value, Self.highestTrackable))
        }
        self.count += other.count
    }

    /// The nearest-rank percentile (0…100) in microseconds, within the documented bound; 0 when empty.
    package func percentile(_ percentile: Double) -> Int64 {
        guard self.count > 0 else { return 0 }
        if let histogram = self.histogram {
            let value = Int64(histogram.valueAtPercentile(percentile))
            return percentile >= 100 ? self.maximum : Swift.min(value, self.maximum)
        }
        let sorted = (self.exact.map(UInt64.init) + self.exactLarge).sorted()
        let rank = Swift.max(1, Int((percentile / 100 * Double(sorted.count)).rounded(.up)))
        return Int64(sorted[Swift.min(rank, sorted.count) - 1])
    }

    /// Mean in microseconds.
    package var mean: Double {
        self.count == 0 ? 0 : Double(self.sum) / Double(self.count)
    }

    /// Sample counts per bucket `[lower, upper)` for a terminal histogram, with bucket edges doubling.
    package func logBuckets() -> [(lower: Int64, upper: Int64, count: Int)] {
        guard self.count > 0 else { return [] }
        var edges: [Int64] = [0]
        var edge: Int64 = 1000
        while edge <= self.maximum {
            edges.append(edge)
            edge *= 2
        }
        edges.append(edge)
        var counts = [Int](repeating: 0, count: edges.count - 1)
        func add(_ value: Int64, _ count: Int) {
            var index = 0
            while index + 1 < edges.count - 1, value >= edges[index + 1] {
                index += 1
            }
            counts[index] += count
        }
        if let histogram = self.histogram {
            for item in histogram.recordedValues() {
                add(Int64(histogram.medianEquivalentForValue(item.value)), Int(item.count))
            }
        } else {
            for value in self.exact {
                add(Int64(value), 1)
            }
            for value in self.exactLarge {
                add(Int64(value), 1)
            }
        }
        return counts.indices.map { (edges[$0], edges[$0 + 1], counts[$0]) }
    }
}
