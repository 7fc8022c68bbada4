/// ASCII number formatting straight into a byte buffer, so encoding a flush does not allocate a `String` per value.
enum StatsdNumberFormatting {
    /// Above this magnitude thousandths no longer fit comfortably in a `UInt64`, and a `Double` has no
    /// sub-millisecond precision left anyway.
    private static let largestMilliFormattedMagnitude = 1e15

    /// Appends `value` in decimal, with a leading `-` when negative.
    static func appendInteger(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
        }
        appendUnsigned(value.magnitude, to: &bytes)
    }

    /// Appends `value` in decimal.
    static func appendUnsigned(_ value: UInt64, to bytes: inout [UInt8]) {
        let start = bytes.count
        var remaining = value
        repeat {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10))
            remaining /= 10
        } while remaining > 0
        // Digits come out least significant first.
        bytes[start...].reverse()
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
        let thousandths = UInt64((magnitude * 1000).rounded(.toNearestOrAwayFromZero))
        // A tiny negative value rounds to zero; "-0" would be read as a gauge delta by some servers.
        if value < 0 && thousandths != 0 {
            bytes.append(UInt8(ascii: "-"))
        }
        appendUnsigned(thousandths / 1000, to: &bytes)
        let fraction = thousandths % 1000
        guard fraction != 0 else {
            return
        }
        bytes.append(UInt8(ascii: "."))
        let zero = UInt8(ascii: "0")
        bytes.append(zero &+ UInt8(truncatingIfNeeded: fraction / 100))
        if fraction % 100 != 0 {
            bytes.append(zero &+ UInt8(truncatingIfNeeded: fraction / 10 % 10))
            if fraction % 10 != 0 {
                bytes.append(zero &+ UInt8(truncatingIfNeeded: fraction % 10))
            }
        }
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
