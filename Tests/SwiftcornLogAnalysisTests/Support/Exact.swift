/// Exact statistics to compare the analyzer against.
enum Exact {
    /// The nearest-rank percentile of `values`.
    static func percentile(_ values: [Int64], _ percentile: Double) -> Int64 {
        let sorted = values.sorted()
        let rank = max(1, Int((percentile / 100 * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }

    /// Whether `reported` is within the documented bound of `exact`: never below, at most
    /// `bound` (relative) above, plus one µs of rounding.
    static func within(_ reported: Int64, _ exact: Int64, bound: Double) -> Bool {
        reported >= exact && Double(reported) <= Double(exact) * (1 + bound) + 1
    }
}
