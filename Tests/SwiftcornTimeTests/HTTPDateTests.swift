import Foundation
import SwiftcornTestKit
import SwiftcornTime
import Testing

/// ``HTTPDate`` against RFC 9110 §5.6.7's own example, hand-checked instants and Foundation's
/// `DateFormatter`; parsing of the three forms a recipient must accept, and refusal (never a
/// crash) of everything else.
@Suite("HTTPDate: IMF-fixdate out, the three HTTP date forms in")
struct HTTPDateTests {
    /// RFC 9110 §5.6.7's example instant, in its three forms.
    static let example: Int64 = 784_111_777
    static let exampleForms = ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"]

    @Test(
        "formats known instants as IMF-fixdate",
        arguments: [
            (784_111_777 as Int64, "Sun, 06 Nov 1994 08:49:37 GMT"),
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
            (-2_208_988_800, "Mon, 01 Jan 1900 00:00:00 GMT"),
            (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
            (2_147_483_648, "Tue, 19 Jan 2038 03:14:08 GMT"),
            (4_107_542_399, "Sun, 28 Feb 2100 23:59:59 GMT"),
            (253_402_300_799, "Fri, 31 Dec 9999 23:59:59 GMT"),
        ]
    )
    func formatsKnownInstants(seconds: Int64, text: String) {
        #expect(HTTPDate.format(secondsSince1970: seconds) == text)
    }

    @Test("formats as Foundation's POSIX DateFormatter does, 1900 to 2200")
    func agreesWithDateFormatter() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        // A stride coprime with 60, 3600 and 86 400 lands on every second, minute and hour.
        for seconds in stride(from: Int64(-2_208_988_800), through: 7_258_118_400, by: 7_919_999) {
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(seconds)))
            #expect(HTTPDate.format(secondsSince1970: seconds) == expected)
        }
    }

    @Test("parses each form RFC 9110 requires a recipient to accept", arguments: exampleForms)
    func parsesTheThreeForms(text: String) {
        #expect(HTTPDate.parse(text) == Self.example)
    }

    @Test("what it formats, it parses back")
    func roundTrip() {
        for seconds in stride(from: Int64(-2_208_988_800), through: 253_402_300_799, by: 9_999_991) {
            #expect(HTTPDate.parse(HTTPDate.format(secondsSince1970: seconds)) == seconds)
        }
    }

    @Test("asctime with a two-digit day, RFC 850 two-digit years around fifty years ahead")
    func otherForms() {
        let in2026 = CivilCalendar.days(year: 2026, month: 6, day: 1) * 86_400
        #expect(HTTPDate.parse("Thu Feb 29 12:00:00 2024") == 1_709_208_000)
        #expect(HTTPDate.parse("Saturday, 01-Jan-00 00:00:00 GMT", now: in2026) == 946_684_800)  // 2000
        #expect(HTTPDate.parse("Thursday, 01-Jan-70 00:00:00 GMT", now: in2026) == 3_155_760_000)  // 2070: 44 years ahead
        #expect(HTTPDate.parse("Thursday, 01-Jan-70 00:00:00 GMT", now: 0) == 0)  // 1970, seen in 1970
        #expect(HTTPDate.parse("Tuesday, 31-Dec-69 23:59:59 GMT", now: in2026) == 3_155_759_999)  // 2069
    }

    @Test("leap years: February 29 only in leap years, 2000 yes, 1900 and 2100 no")
    func februaryTwentyNinth() {
        #expect(HTTPDate.parse("Tue, 29 Feb 2000 00:00:00 GMT") == 951_782_400)
        #expect(HTTPDate.parse("Thu, 29 Feb 1900 00:00:00 GMT") == nil)
        #expect(HTTPDate.parse("Mon, 29 Feb 2100 00:00:00 GMT") == nil)
        #expect(HTTPDate.parse("Sun, 29 Feb 1970 00:00:00 GMT") == nil)
    }

    @Test("a leap second reads as the last second of its minute")
    func leapSecond() {
        #expect(HTTPDate.parse("Sat, 31 Dec 2016 23:59:60 GMT") == 1_483_228_799)
    }

    @Test(
        "malformed dates are refused",
        arguments: [
            "",
            " ",
            "garbage",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37 gmt",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun 06 Nov 1994 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "Sun, 06 November 1994 08:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 06 Nov 01994 08:49:37 GMT",
            "Sun, 06 Nov +994 08:49:37 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT",
            "Sun, -6 Nov 1994 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 32 Dec 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:49:61 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "Sun, 06 Nov 1994 08::37 GMT",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06-Nov-94 08:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 UTC",
            "Sunday, 6-Nov-94 08:49:37 GMT",
            "Sunday, 06-Nov 08:49:37 GMT",
            "Sunday, 06--94 08:49:37 GMT",
            "Sun Nov 106 08:49:37 1994",
            "Sun Nov  6 08:49:37 94",
            "Sun Nov  6 08:49:37 1994 GMT",
            "Sunday Nov  6 08:49:37 1994",
            "Sun Nov  0 08:49:37 1994",
            "Sun, ٠٦ Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov １９９４ 08:49:37 GMT",
            "Sun,\t06 Nov 1994 08:49:37 GMT",
        ]
    )
    func refusesMalformed(text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }

    @Test("no byte-level mutation of a valid date crashes the parser, and what it accepts is sane")
    func mutations() {
        var generator = SplitMix64(seed: 0x5eed)
        let alphabet = Array(" ,:-0123456789GMTSunNovADJabcz\u{00}\u{7f}\u{ff}".utf8)
        for form in Self.exampleForms + ["Sat, 31 Dec 2016 23:59:60 GMT"] {
            for _ in 0..<4_000 {
                var bytes = Array(form.utf8)
                for _ in 0...Int(generator.next() % 3) {
                    let position = Int(generator.next() % UInt64(bytes.count))
                    switch generator.next() % 3 {
                    case 0: bytes[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                    case 1: bytes.remove(at: position)
                    default: bytes.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: position)
                    }
                    if bytes.isEmpty { bytes = [0x20] }
                }
                let text = String(decoding: bytes, as: UTF8.self)
                if let seconds = HTTPDate.parse(text) {
                    // Anything accepted is a real instant of a four-digit (or 19xx/20xx) year.
                    #expect(seconds >= -62_167_219_200 && seconds <= 253_402_300_799, "\(text.debugDescription)")
                }
            }
        }
    }

    @Test("long and odd inputs are refused without trouble")
    func oddInputs() {
        #expect(HTTPDate.parse(String(repeating: "Sun, 06 Nov 1994 08:49:37 GMT ", count: 1_000)) == nil)
        #expect(HTTPDate.parse(String(repeating: "9", count: 10_000)) == nil)
        #expect(HTTPDate.parse("Sun, 99999999999999999999 Nov 1994 08:49:37 GMT") == nil)
        #expect(HTTPDate.parse("Sun, 06 Nov 9999999999 08:49:37 GMT") == nil)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 99999999999999999999:49:37 GMT") == nil)
        let substring = "xSun, 06 Nov 1994 08:49:37 GMTx".dropFirst().dropLast()
        #expect(HTTPDate.parse(substring) == Self.example)
    }

    /// RFC 9110 §5.6.7: "Recipients of a timestamp value in rfc850-date format, which uses a
    /// two-digit year, MUST interpret a timestamp that appears to be more than 50 years in the
    /// future as representing the most recent year in the past that had the same last two
    /// digits." So, today, `70` is 2070, not 1970.
    @Test("RFC 850 two-digit years follow RFC 9110's fifty-year rule")
    func fiftyYearRule() {
        let currentYear = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).year!
        for twoDigits in [70, 72, 76, 77, 99, 0, 26] {
            var year = currentYear - currentYear % 100 + twoDigits
            if year > currentYear + 50 { year -= 100 }
            if year <= currentYear - 50 { year += 100 }
            let text = "Thursday, 01-Jan-\(String(format: "%02d", twoDigits)) 00:00:00 GMT"
            let expected = CivilCalendar.days(year: year, month: 1, day: 1) * 86_400
            #expect(HTTPDate.parse(text) == expected, "\(text) is \(year)")
        }
        // At a given moment: in 2026, 76 is 2076 and 77 is 1977; in 1990, 40 is 2040 and 41 is 1941.
        let in2026 = CivilCalendar.days(year: 2026, month: 6, day: 1) * 86_400
        #expect(HTTPDate.parse("Monday, 01-Jan-76 00:00:00 GMT", now: in2026) == CivilCalendar.days(year: 2076, month: 1, day: 1) * 86_400)
        #expect(HTTPDate.parse("Monday, 01-Jan-77 00:00:00 GMT", now: in2026) == CivilCalendar.days(year: 1977, month: 1, day: 1) * 86_400)
        let in1990 = CivilCalendar.days(year: 1990, month: 6, day: 1) * 86_400
        #expect(HTTPDate.parse("Monday, 01-Jan-40 00:00:00 GMT", now: in1990) == CivilCalendar.days(year: 2040, month: 1, day: 1) * 86_400)
        #expect(HTTPDate.parse("Monday, 01-Jan-41 00:00:00 GMT", now: in1990) == CivilCalendar.days(year: 1941, month: 1, day: 1) * 86_400)
    }
}
