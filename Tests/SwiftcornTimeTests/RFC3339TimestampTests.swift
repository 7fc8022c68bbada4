import Foundation
import SwiftcornTestKit
import SwiftcornTime
import Testing

/// ``RFC3339Timestamp`` against instants checked by hand (with Python's `datetime`) and against
/// Foundation's calendar for the date and time of day.
@Suite("RFC3339Timestamp: UTC timestamps with microseconds")
struct RFC3339TimestampTests {
    @Test(
        "known instants, to the microsecond",
        arguments: [
            (0 as Int64, "1970-01-01T00:00:00.000000Z"),
            (1, "1970-01-01T00:00:00.000001Z"),
            (-1, "1969-12-31T23:59:59.999999Z"),
            (-1_000_000, "1969-12-31T23:59:59.000000Z"),
            (1_795_886_280_123_456, "2026-11-28T17:18:00.123456Z"),
            (951_868_800_000_000, "2000-03-01T00:00:00.000000Z"),
            (-2_203_891_200_000_000, "1900-03-01T00:00:00.000000Z"),
            (4_107_542_400_000_000, "2100-03-01T00:00:00.000000Z"),
            (-14_182_940_000_000, "1969-07-20T20:17:40.000000Z"),
            (-62_135_596_800_000_000, "0001-01-01T00:00:00.000000Z"),
            (-62_167_219_200_000_000, "0000-01-01T00:00:00.000000Z"),
            (253_402_300_799_999_999, "9999-12-31T23:59:59.999999Z"),
        ]
    )
    func knownInstants(micros: Int64, text: String) {
        #expect(RFC3339Timestamp.string(micros: micros) == text)
    }

    @Test("without the fraction: whole seconds, rounded down (also before 1970)")
    func wholeSeconds() {
        #expect(RFC3339Timestamp.string(micros: 1_795_886_280_999_999, fractional: false) == "2026-11-28T17:18:00Z")
        #expect(RFC3339Timestamp.string(micros: 0, fractional: false) == "1970-01-01T00:00:00Z")
        #expect(RFC3339Timestamp.string(micros: -1, fractional: false) == "1969-12-31T23:59:59Z")
    }

    @Test("append adds to what the buffer holds, and string is append's bytes")
    func appendKeepsThePrefix() {
        var bytes = Array("at ".utf8)
        RFC3339Timestamp.append(micros: 1_795_886_280_123_456, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "at 2026-11-28T17:18:00.123456Z")
        var alone: [UInt8] = []
        RFC3339Timestamp.append(micros: -42, fractional: false, to: &alone)
        #expect(String(decoding: alone, as: UTF8.self) == RFC3339Timestamp.string(micros: -42, fractional: false))
    }

    @Test("date and time of day agree with Foundation's calendar from 1900 to 2200; the fraction is the micros")
    func agreesWithFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start: Int64 = -2_208_988_800_000_000
        let end: Int64 = 7_258_118_400_000_000
        // A prime stride in microseconds visits every fraction, second and hour.
        for micros in stride(from: start, through: end, by: 7_919_999_999_983) {
            let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
            let fraction = micros - seconds * 1_000_000
            let parts = calendar.dateComponents(
                [.year, .month, .day, .hour, .minute, .second],
                from: Date(timeIntervalSince1970: Double(seconds))
            )
            let expected =
                Self.pad(parts.year!, 4) + "-" + Self.pad(parts.month!, 2) + "-" + Self.pad(parts.day!, 2) + "T" + Self.pad(parts.hour!, 2) + ":"
                + Self.pad(parts.minute!, 2) + ":" + Self.pad(parts.second!, 2) + "." + Self.pad(Int(fraction), 6) + "Z"
            #expect(RFC3339Timestamp.string(micros: micros) == expected)
        }
    }

    @Test("every timestamp has the fixed RFC 3339 shape, 27 bytes")
    func shape() {
        var generator = SplitMix64(seed: 3339)
        for _ in 0..<10_000 {
            // Anywhere from 0000-01-01 to the end of 9999, the years RFC 3339 can write.
            let micros = Int64(generator.next() % 315_569_520_000_000_000) - 62_167_219_200_000_000
            let text = RFC3339Timestamp.string(micros: micros)
            let bytes = Array(text.utf8)
            #expect(bytes.count == 27, "\(micros): \(text)")
            guard bytes.count == 27 else { continue }
            for (index, byte) in bytes.enumerated() {
                switch index {
                case 4, 7: #expect(byte == UInt8(ascii: "-"))
                case 10: #expect(byte == UInt8(ascii: "T"))
                case 13, 16: #expect(byte == UInt8(ascii: ":"))
                case 19: #expect(byte == UInt8(ascii: "."))
                case 26: #expect(byte == UInt8(ascii: "Z"))
                default: #expect(byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"), "\(text)")
                }
            }
        }
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
