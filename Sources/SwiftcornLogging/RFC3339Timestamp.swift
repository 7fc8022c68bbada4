/// RFC 3339 UTC timestamps with microseconds, `2026-11-28T17:18:00.123456Z`, computed from the
/// epoch by arithmetic: no `DateFormatter`, no time zone database, no allocation.
public enum RFC3339Timestamp {
    /// Appends the timestamp of `micros` microseconds since the epoch to `bytes`.
    public static func append(micros: Int64, to bytes: inout [UInt8]) {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civil(fromDays: days)
        Self.digits(year, count: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.digits(month, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.digits(day, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        Self.digits(secondOfDay / 3600, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.digits(secondOfDay / 60 % 60, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.digits(secondOfDay % 60, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        Self.digits(fraction, count: 6, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// The timestamp as a `String`.
    public static func string(micros: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        Self.append(micros: micros, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Year, month and day of `days` since 1970-01-01 in the proleptic Gregorian calendar
    /// (Howard Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func digits(_ value: Int64, count: Int, to bytes: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<count { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
