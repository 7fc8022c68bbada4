import SwiftcornFormat

/// Number formatting without Foundation's `String(format:)`.
enum NumberText {
    /// `value` with exactly `decimals` digits after the point, rounded half away from zero.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var scale: Double = 1
        for _ in 0..<decimals {
            scale *= 10
        }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return String(value) }
        let integer = Int64(scaled)
        return Self.text { DecimalDigits.append(value < 0 ? -integer : integer, fractionDigits: decimals, to: &$0) }
    }

    /// Milliseconds with three decimals from µs, exact (no floating point).
    static func milliseconds(_ microseconds: Int64) -> String {
        Self.text { DecimalDigits.append(microseconds, fractionDigits: 3, to: &$0) }
    }

    /// The bytes `write` appends, as a `String`.
    private static func text(_ write: (inout [UInt8]) -> Void) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        write(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A human duration for tables: `850µs`, `12.3ms`, `1.25s`.
    static func humanDuration(_ microseconds: Int64) -> String {
        if microseconds < 1000 {
            return "\(microseconds)µs"
        }
        if microseconds < 1_000_000 {
            return Self.fixed(Double(microseconds) / 1000, decimals: microseconds < 100_000 ? 1 : 0) + "ms"
        }
        return Self.fixed(Double(microseconds) / 1_000_000, decimals: 2) + "s"
    }

    /// A bucket width for headings: `1m`, `10s`, `1h`, `1.5s`, `250ms`.
    static func interval(_ microseconds: Int64) -> String {
        for (unit, size) in [("d", Int64(86_400_000_000)), ("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000)]
        where microseconds >= size && microseconds % size == 0 {
            return "\(microseconds / size)\(unit)"
        }
        return Self.humanDuration(microseconds)
    }
}
