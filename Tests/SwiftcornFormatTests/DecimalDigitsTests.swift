import Testing

@testable import SwiftcornFormat

/// The one digit writer: integers at their extremes, zero padding and exact fixed-point decimals.
@Suite struct DecimalDigitsTests {
    func text(_ write: (inout [UInt8]) -> Void) -> String {
        var bytes: [UInt8] = Array("x".utf8)
        write(&bytes)
        #expect(bytes.first == UInt8(ascii: "x"), "appends, never overwrites")
        return String(decoding: bytes.dropFirst(), as: UTF8.self)
    }

    @Test(arguments: [0, 1, 9, 10, 99, 100, 12_345, 999_999_999_999, UInt64(Int64.max), UInt64.max])
    func unsignedMatchesTheStandardLibrary(_ value: UInt64) {
        #expect(self.text { DecimalDigits.append(value, to: &$0) } == String(value))
    }

    @Test(arguments: [0, -1, 1, -9, -10, 42, -1_234_567, Int64.max, Int64.min, Int64.min + 1])
    func signedMatchesTheStandardLibrary(_ value: Int64) {
        #expect(self.text { DecimalDigits.append(value, to: &$0) } == String(value))
        #expect(self.text { DecimalDigits.append(Int(value), to: &$0) } == String(value))
    }

    @Test func paddedToAWidthButNeverCut() {
        #expect(self.text { DecimalDigits.append(0, width: 2, to: &$0) } == "00")
        #expect(self.text { DecimalDigits.append(7, width: 2, to: &$0) } == "07")
        #expect(self.text { DecimalDigits.append(59, width: 2, to: &$0) } == "59")
        #expect(self.text { DecimalDigits.append(5, width: 6, to: &$0) } == "000005")
        #expect(self.text { DecimalDigits.append(2026, width: 4, to: &$0) } == "2026")
        #expect(self.text { DecimalDigits.append(12_026, width: 4, to: &$0) } == "12026")
        #expect(self.text { DecimalDigits.append(UInt64.max, width: 25, to: &$0) } == "00000" + String(UInt64.max))
        #expect(self.text { DecimalDigits.append(3, width: 0, to: &$0) } == "3")
    }

    @Test(arguments: [
        (Int64(0), 3, "0.000"), (1, 3, "0.001"), (999, 3, "0.999"), (1000, 3, "1.000"), (12_345, 3, "12.345"),
        (-1, 3, "-0.001"), (-250, 3, "-0.250"), (-12_345, 3, "-12.345"), (1_500_000, 6, "1.500000"), (7, 6, "0.000007"),
        (42, 0, "42"), (-42, 0, "-42"), (Int64.max, 3, "9223372036854775.807"), (Int64.min, 3, "-9223372036854775.808"),
        (Int64.min, 18, "-9.223372036854775808"),
    ])
    func fixedPointIsExact(_ value: Int64, _ digits: Int, _ expected: String) {
        #expect(self.text { DecimalDigits.append(value, fractionDigits: digits, to: &$0) } == expected)
    }

    @Test(arguments: [
        (Int64(0), "0"), (12_000, "12"), (12_500, "12.5"), (12_340, "12.34"), (12_345, "12.345"), (5, "0.005"),
        (-1_500, "-1.5"), (-1, "-0.001"), (Int64.min, "-9223372036854775.808"),
    ])
    func fixedPointTrimsZerosWhenAsked(_ value: Int64, _ expected: String) {
        #expect(self.text { DecimalDigits.append(value, fractionDigits: 3, trimmingZeros: true, to: &$0) } == expected)
    }
}
