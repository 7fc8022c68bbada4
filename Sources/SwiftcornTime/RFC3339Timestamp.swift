import SwiftcornFormat

/// RFC 3339 UTC timestamps with microseconds, `2026-11-28T17:18:00.123456Z`, computed from the
/// epoch by arithmetic: no `DateFormatter`, no time zone database, no allocation.
package enum RFC3339Timestamp {
    /// Appends the timestamp of `micros` microseconds since the epoch to `bytes`; without
    /// `fractional`, whole seconds (`2026-11-28T17:18:00Z`).
    package static func append(micros: Int64, fractional: Bool = true, to bytes: inout [UInt8]) {
        let (seconds, fraction) = CivilCalendar.floorDivide(micros, 1_000_000)
        let (days, secondOfDay) = CivilCalendar.floorDivide(seconds, 86_400)
        let (year, month, day) = CivilCalendar.date(days: days)
        Self.digits(Int64(year), count: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.digits(Int64(month), count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.digits(Int64(day), count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        Self.digits(secondOfDay / 3600, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.digits(secondOfDay / 60 % 60, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.digits(secondOfDay % 60, count: 2, to: &bytes)
        if fractional {
            bytes.append(UInt8(ascii: "."))
            Self.digits(fraction, count: 6, to: &bytes)
        }
        bytes.append(UInt8(ascii: "Z"))
    }

    /// The timestamp as a `String`.
    package static func string(micros: Int64, fractional: Bool = true) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        Self.append(micros: micros, fractional: fractional, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `value` (not negative: a year before 1 is outside RFC 3339) zero-padded to `count` digits.
    @inline(__always)
    private static func digits(_ value: Int64, count: Int, to bytes: inout [UInt8]) {
        DecimalDigits.append(UInt64(clamping: value), width: count, to: &bytes)
    }
}
