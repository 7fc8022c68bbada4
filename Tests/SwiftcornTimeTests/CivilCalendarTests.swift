import Foundation
import SwiftcornTime
import Testing

/// ``CivilCalendar`` against a reference that knows nothing of eras: a calendar walked one day
/// at a time with the Gregorian leap rule, and Foundation's Gregorian calendar where it is
/// proleptic enough (after 1582, when it leaves the Julian calendar).
@Suite("CivilCalendar: days since 1970 and back")
struct CivilCalendarTests {
    /// The Gregorian rule, written from its definition: every fourth year, except centuries,
    /// except every fourth century.
    static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: Self.isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01, by summing whole years and months: slow, obviously right.
    static func referenceDays(year: Int, month: Int, day: Int) -> Int64 {
        var days = 0
        if year >= 1970 {
            for y in 1970..<year { days += Self.isLeap(y) ? 366 : 365 }
        } else {
            for y in year..<1970 { days -= Self.isLeap(y) ? 366 : 365 }
        }
        for m in 1..<month { days += Self.daysIn(month: m, year: year) }
        return Int64(days + day - 1)
    }

    @Test(
        "hand-checked dates",
        arguments: [
            (1970, 1, 1, 0 as Int64),
            (1969, 12, 31, -1),
            (1969, 7, 20, -165),
            (1900, 2, 28, -25_509),
            (1900, 3, 1, -25_508),
            (2000, 2, 29, 11_016),
            (2000, 3, 1, 11_017),
            (2026, 11, 28, 20_785),
            (2100, 2, 28, 47_540),
            (2100, 3, 1, 47_541),
            (1600, 2, 29, -135_081),
            (1, 1, 1, -719_162),
            (9999, 12, 31, 2_932_896),
        ]
    )
    func handChecked(year: Int, month: Int, day: Int, days: Int64) {
        #expect(CivilCalendar.days(year: year, month: month, day: day) == days)
        let date = CivilCalendar.date(days: days)
        #expect(date.year == year && date.month == month && date.day == day)
    }

    @Test("century rules: 1900 and 2100 have no February 29, 2000 has")
    func centuryRules() {
        for (year, februaryDays) in [(1900, 28), (2000, 29), (2100, 28), (2400, 29), (1700, 28)] {
            let length = CivilCalendar.days(year: year, month: 3, day: 1) - CivilCalendar.days(year: year, month: 2, day: 1)
            #expect(length == Int64(februaryDays), "February \(year)")
            let afterFebruary28 = CivilCalendar.date(days: CivilCalendar.days(year: year, month: 2, day: 28) + 1)
            #expect(afterFebruary28.month == (februaryDays == 29 ? 2 : 3), "the day after \(year)-02-28")
        }
    }

    @Test("year lengths follow the Gregorian rule, before year 0 too")
    func yearLengths() {
        for year in -1_200...3_000 {
            let length = CivilCalendar.days(year: year + 1, month: 1, day: 1) - CivilCalendar.days(year: year, month: 1, day: 1)
            #expect(length == (Self.isLeap(year) ? 366 : 365), "year \(year)")
        }
    }

    @Test("every day from 1800 to 2200 converts both ways, as a day-by-day walk counts it")
    func dayByDayWalk() {
        var (year, month, day) = (1800, 1, 1)
        var days = Self.referenceDays(year: 1800, month: 1, day: 1)
        var mismatches = 0
        while year < 2200 {
            let back = CivilCalendar.date(days: days)
            if CivilCalendar.days(year: year, month: month, day: day) != days || back != (year, month, day) {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(year)-\(month)-\(day) (\(days)): got \(back)") }
            }
            days += 1
            day += 1
            if day > Self.daysIn(month: month, year: year) {
                (day, month) = (1, month + 1)
                if month > 12 { (month, year) = (1, year + 1) }
            }
        }
        #expect(mismatches == 0)
    }

    @Test("dates far before 1970 and before year 1, against the summing reference")
    func farPast() {
        for (year, month, day) in [(1583, 1, 1), (1000, 6, 15), (400, 2, 29), (0, 2, 29), (0, 3, 1), (-1, 12, 31), (-400, 1, 1), (-4713, 11, 24)] {
            let expected = Self.referenceDays(year: year, month: month, day: day)
            #expect(CivilCalendar.days(year: year, month: month, day: day) == expected, "\(year)-\(month)-\(day)")
            #expect(CivilCalendar.date(days: expected) == (year, month, day), "\(expected)")
        }
    }

    @Test("agrees with Foundation's Gregorian calendar from 1583 to 9999")
    func foundationCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let first = CivilCalendar.days(year: 1583, month: 1, day: 1)
        let last = CivilCalendar.days(year: 9999, month: 12, day: 31)
        // A prime stride visits every month and day of the week over the range.
        for days in stride(from: first, through: last, by: 997) {
            let components = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            let date = CivilCalendar.date(days: days)
            #expect(date == (components.year!, components.month!, components.day!), "day \(days)")
        }
    }

    @Test("floorDivide rounds towards minus infinity and keeps the remainder in 0..<divisor")
    func floorDivide() {
        #expect(CivilCalendar.floorDivide(-1, 86_400) == (-1, 86_399))
        #expect(CivilCalendar.floorDivide(-86_400, 86_400) == (-1, 0))
        #expect(CivilCalendar.floorDivide(-86_401, 86_400) == (-2, 86_399))
        #expect(CivilCalendar.floorDivide(0, 7) == (0, 0))
        #expect(CivilCalendar.floorDivide(13, 7) == (1, 6))
        #expect(CivilCalendar.floorDivide(-13, 7) == (-2, 1))
        for value in [Int64.min, Int64.min + 1, -1_000_001, -999_999, -1, 0, 1, 999_999, 1_000_000, Int64.max] {
            for divisor: Int64 in [1, 7, 86_400, 1_000_000] {
                let (quotient, remainder) = CivilCalendar.floorDivide(value, divisor)
                #expect(remainder >= 0 && remainder < divisor, "\(value) / \(divisor)")
                // Wrapping, as q * d alone may leave Int64's range; with the remainder's range this
                // still pins the quotient down.
                #expect(quotient &* divisor &+ remainder == value, "\(value) / \(divisor)")
            }
        }
    }
}
