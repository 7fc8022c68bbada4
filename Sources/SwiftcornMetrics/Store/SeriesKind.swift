/// What a series holds, how many words it takes in a slot, and how workers' values combine.
package enum SeriesKind: UInt8, Sendable, Hashable {
    /// An integer counter: one word.
    case counter = 1
    /// A floating-point counter: one word holding a `Double`'s bits.
    case floatCounter = 2
    /// An integer gauge: one word holding an `Int64`'s bits; summed over live workers only.
    case gauge = 3
    /// A floating-point gauge: one word holding a `Double`'s bits; summed over live workers only.
    case floatGauge = 4
    /// Durations in nanoseconds, exported in seconds with OpenTelemetry's buckets.
    case durationHistogram = 5
    /// Sizes in bytes.
    case sizeHistogram = 6
    /// Arbitrary `Double` values with Prometheus's default buckets; the sum is a `Double`'s bits.
    case valueHistogram = 7

    /// The bucket boundaries of a histogram kind.
    package var buckets: BucketScheme? {
        switch self {
        case .durationHistogram: .duration
        case .sizeHistogram: .size
        case .valueHistogram: .value
        case .counter, .floatCounter, .gauge, .floatGauge: nil
        }
    }

    /// Words in a slot: one for scalars; for histograms one per bucket (the last is `+Inf`),
    /// then the sum, then the count.
    package var wordCount: Int {
        guard let buckets else { return 1 }
        return buckets.bounds.count + 3
    }

    /// Whether a dead worker's value disappears instead of being kept in the retired total.
    package var isGauge: Bool { self == .gauge || self == .floatGauge }

    /// Whether it is a counter (exported with `_total` and, in OpenMetrics, `_created`).
    package var isCounter: Bool { self == .counter || self == .floatCounter }
}
