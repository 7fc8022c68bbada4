import SwiftcornTime

/// Conversions between RFC 3339 / common-log timestamps and microseconds since the Unix epoch,
/// by hand because Foundation's date formatting is far too slow for a per-line hot path.
package enum Timestamp {
    /// Parses `2026-11-28T17:18:00.123456Z` (any fraction length, `Z` or `±HH:MM`).
    static func parseRFC3339(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count >= 20 else { return nil }
        func digits(_ start: Int, _ length: Int) -> Int? { Self.decimal(bytes, start, length) }
        guard let year = digits(0, 4), bytes[4] == UInt8(ascii: "-"), let month = digits(5, 2), bytes[7] == UInt8(ascii: "-"),
            let day = digits(8, 2), bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "t"),
            let hour = digits(11, 2), bytes[13] == UInt8(ascii: ":"), let minute = digits(14, 2), bytes[16] == UInt8(ascii: ":"),
            let second = digits(17, 2), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var micros = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 100_000
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                micros += Int(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        guard index < bytes.count else { return nil }
        var offsetSeconds = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 <= bytes.count, let hours = digits(index + 1, 2), let minutes = digits(index + 4, 2) else { return nil }
            offsetSeconds = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "+") ? 1 : -1)
            index += 6
        default: return nil
        }
        guard index == bytes.count else { return nil }
        let days = Int(CivilCalendar.days(year: year, month: month, day: day))
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Int64(seconds) * 1_000_000 + Int64(micros)
    }

    /// Parses a common-log time, `28/Nov/2026:17:18:00 +0000`.
    static func parseCommonLog(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count == 26 else { return nil }
        func digits(_ start: Int, _ length: Int) -> Int? { Self.decimal(bytes, start, length) }
        let monthName = String(decoding: UnsafeBufferPointer(rebasing: bytes[3..<6]), as: UTF8.self)
        guard let day = digits(0, 2), let monthIndex = Self.monthNames.firstIndex(of: monthName), let year = digits(7, 4),
            let hour = digits(12, 2), let minute = digits(15, 2), let second = digits(18, 2), let zoneHours = digits(22, 2),
            let zoneMinutes = digits(24, 2)
        else { return nil }
        let sign = bytes[21] == UInt8(ascii: "-") ? -1 : 1
        let days = Int(CivilCalendar.days(year: year, month: monthIndex + 1, day: day))
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - sign * (zoneHours * 3600 + zoneMinutes * 60)
        return Int64(seconds) * 1_000_000
    }

    /// Parses an RFC 3339 timestamp given as text, for filters and `--since`.
    package static func parse(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { Self.parseRFC3339($0) }
    }

    /// Formats microseconds since the epoch as `2026-11-28T17:18:00.123456Z`, or with whole seconds
    /// when `fractional` is false.
    package static func format(_ microseconds: Int64, fractional: Bool = true) -> String {
        RFC3339Timestamp.string(micros: microseconds, fractional: fractional)
    }

    /// The value of `length` ASCII digits at `start`, `nil` if any is not a digit.
    private static func decimal(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) -> Int? {
        var value = 0
        for index in start..<(start + length) {
            let digit = Int(bytes[index]) &- 48
            guard digit >= 0, digit <= 9 else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// English month abbreviations as used by the common log format.
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
