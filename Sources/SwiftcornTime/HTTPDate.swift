import SwiftcornFormat

#if canImport(Glibc)
import Glibc
#endif

/// HTTP dates (RFC 9110 §5.6.7), converted to and from seconds since 1970 by hand.
///
/// Written out rather than using `DateFormatter`: formatting runs on every response, must not
/// depend on locale or time zone settings, and Foundation is not otherwise needed here. The calendar
/// arithmetic is ``CivilCalendar``'s.
package enum HTTPDate {
    /// Abbreviated weekday names, Sunday first, as IMF-fixdate and asctime spell them.
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    /// Full weekday names, Sunday first, as the obsolete RFC 850 format spells them.
    private static let longWeekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    /// Month names, January first.
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Formats `secondsSince1970` as an IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
    package static func format(secondsSince1970: Int64) -> String {
        let (days, secondOfDay) = CivilCalendar.floorDivide(secondsSince1970, 86_400)
        let (year, month, day) = CivilCalendar.date(days: days)
        // 1970-01-01 was a Thursday (index 4); `floorDivide` keeps the remainder non-negative.
        let weekday = Int(CivilCalendar.floorDivide(days + 4, 7).remainder)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(29)
        bytes.append(contentsOf: Self.weekdays[weekday].utf8)
        bytes.append(contentsOf: ", ".utf8)
        DecimalDigits.append(UInt64(day), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: Self.months[month - 1].utf8)
        bytes.append(UInt8(ascii: " "))
        DecimalDigits.append(UInt64(clamping: year), width: 4, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        DecimalDigits.append(UInt64(secondOfDay / 3600), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        DecimalDigits.append(UInt64(secondOfDay / 60 % 60), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        DecimalDigits.append(UInt64(secondOfDay % 60), width: 2, to: &bytes)
        bytes.append(contentsOf: " GMT".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses an HTTP date in any of the three formats recipients must accept; `nil` when invalid.
    ///
    /// - IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`
    /// - RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`; a two-digit year that would be more than 50
    ///   years after `now` (seconds since 1970; the clock by default) is the latest past year
    ///   with those digits, as RFC 9110 asks
    /// - asctime: `Sun Nov  6 08:49:37 1994`
    ///
    /// The weekday must be a valid name but is not checked against the date, as RFC 9110 does not
    /// require it. A leap second (`:60`) is read as the last second of the minute.
    package static func parse(_ text: some StringProtocol, now: Int64? = nil) -> Int64? {
        let tokens = String(text).split(separator: " ", omittingEmptySubsequences: true)
        switch tokens.count {
        case 6:  // IMF-fixdate
            guard tokens[0].hasSuffix(","), Self.weekdays.contains(String(tokens[0].dropLast())),
                tokens[1].utf8.count == 2, tokens[3].utf8.count == 4, tokens[5] == "GMT",
                let day = Self.number(tokens[1]), let month = Self.month(tokens[2]), let year = Self.number(tokens[3])
            else { return nil }
            return Self.seconds(year: year, month: month, day: day, time: tokens[4])
        case 4:  // RFC 850
            let date = tokens[1].split(separator: "-", omittingEmptySubsequences: false)
            guard tokens[0].hasSuffix(","), Self.longWeekdays.contains(String(tokens[0].dropLast())),
                date.count == 3, date[0].utf8.count == 2, date[2].utf8.count == 2, tokens[3] == "GMT",
                let day = Self.number(date[0]), let month = Self.month(date[1]), let shortYear = Self.number(date[2])
            else { return nil }
            // Read only for this rare form: the clock is not consulted for the others.
            let currentYear = CivilCalendar.date(days: CivilCalendar.floorDivide(now ?? Int64(time(nil)), 86_400).quotient).year
            var year = currentYear - currentYear % 100 + shortYear
            if year > currentYear + 50 {
                year -= 100
            } else if year <= currentYear - 50 {
                year += 100
            }
            return Self.seconds(year: year, month: month, day: day, time: tokens[2])
        case 5:  // asctime
            guard Self.weekdays.contains(String(tokens[0])), tokens[2].utf8.count <= 2, tokens[4].utf8.count == 4,
                let month = Self.month(tokens[1]), let day = Self.number(tokens[2]), let year = Self.number(tokens[4])
            else { return nil }
            return Self.seconds(year: year, month: month, day: day, time: tokens[3])
        default:
            return nil
        }
    }

    /// Seconds since 1970 for a calendar date and an `HH:MM:SS` time; `nil` when out of range.
    private static func seconds(year: Int, month: Int, day: Int, time: Substring) -> Int64? {
        let parts = time.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ $0.utf8.count == 2 }),
            let hour = Self.number(parts[0]), let minute = Self.number(parts[1]), let second = Self.number(parts[2]),
            hour < 24, minute < 60, second <= 60,
            day >= 1, day <= Self.daysInMonth(month, year: year)
        else { return nil }
        let days = CivilCalendar.days(year: year, month: month, day: day)
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
    }

    /// The value of one or more ASCII digits, `nil` for anything else (no sign, no spaces).
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 9, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    /// The month number 1…12 of a three-letter English month name (case-sensitive, as specified).
    private static func month(_ text: Substring) -> Int? {
        Self.months.firstIndex(of: String(text)).map { $0 + 1 }
    }

    /// The number of days in `month` of `year`.
    private static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
