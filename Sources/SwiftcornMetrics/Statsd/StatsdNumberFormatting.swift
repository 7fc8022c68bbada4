import SwiftcornFormat

/// ASCII number formatting straight into a byte buffer, so encoding a flush does not allocate a `String` per value.
enum StatsdNumberFormatting {
    /// Above this magnitude thousandths no longer fit comfortably in a `UInt64`, and a `Double` has no
    /// sub-millisecond precision left anyway.
    private static let largestMilliFormattedMagnitude = 1e15

    /// Appends `value` in decimal, with a leading `-` when negative.
    @inline(__always)
    static func appendInteger(_ value: Int64, to bytes: inout [UInt8]) {
        DecimalDigits.append(value, to: &bytes)
    }

    /// Appends `value` rounded to at most three decimals, without trailing zeros and without a decimal point when
    /// the rounded value is integral (`12.345`, `12.5`, `12`).
    ///
    /// Non-finite values have no statsd spelling; they are written as `0` so a line stays parseable (callers are
    /// expected to reject them earlier).
    static func appendDecimal(_ value: Double, to bytes: inout [UInt8]) {
        guard value.isFinite else {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        let magnitude = value.magnitude
        guard magnitude < largestMilliFormattedMagnitude else {
            appendLargeDecimal(value, to: &bytes)
            return
        }
        // A tiny negative value rounds to zero, written without its sign: "-0" would be read as
        // a gauge delta by some servers.
        let thousandths = Int64((value * 1000).rounded(.toNearestOrAwayFromZero))
        DecimalDigits.append(thousandths, fractionDigits: 3, trimmingZeros: true, to: &bytes)
    }

    private static func appendLargeDecimal(_ value: Double, to bytes: inout [UInt8]) {
        // Doubles this large are integral; beyond Int64 only the shortest round-trip spelling is exact.
        if value.magnitude < 9e18 {
            appendInteger(Int64(value.rounded()), to: &bytes)
        } else {
            bytes.append(contentsOf: String(describing: value).utf8)
        }
    }
}
