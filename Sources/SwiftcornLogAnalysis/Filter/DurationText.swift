/// Parses human durations (`250ms`, `1.5s`, `800us`, `2m`, `1h`) as used by `--over` and `--where`.
package enum DurationText {
    /// The duration in milliseconds; a bare number is milliseconds.
    package static func milliseconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("us", 0.001), ("µs", 0.001), ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value >= 0 else { return nil }
            return value * scale
        }
        guard let value = Double(text), value >= 0 else { return nil }
        return value
    }

    /// The duration in seconds for bucket sizes (`1m`, `30s`, `1h`); a bare number is seconds.
    package static func seconds(_ text: String) -> Double? {
        if let value = Double(text) {
            return value > 0 ? value : nil
        }
        guard let milliseconds = Self.milliseconds(text), milliseconds > 0 else { return nil }
        return milliseconds / 1000
    }
}
