#if canImport(Glibc)
import Glibc
#endif

/// The byte classes of the HTTP/1.1 grammar (RFC 9110, 5.6.2 and 5.5) the request parser tests.
enum HTTPByteClass {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let carriageReturn = UInt8(ascii: "\r")
    static let lineFeed = UInt8(ascii: "\n")
    static let colon = UInt8(ascii: ":")

    /// `tchar`: the bytes of methods and field names.
    @inline(__always)
    static func isToken(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// A byte a field value may hold: visible ASCII, obs-text, space and tab; no other control.
    @inline(__always)
    static func isFieldValue(_ byte: UInt8) -> Bool {
        byte >= Self.space ? byte != 0x7F : byte == Self.tab
    }

    /// A byte a request target may hold: anything visible, no space or control.
    @inline(__always)
    static func isTarget(_ byte: UInt8) -> Bool {
        byte > Self.space && byte != 0x7F
    }

    /// Whether the token or field value `bytes` equals `lowercase` ignoring ASCII case.
    ///
    /// `lowercase` holds only lowercase letters, digits and `-`; setting bit 5 of a token byte
    /// gives one of those only when the byte was that character or its uppercase letter (the
    /// control bytes that would also map there are in neither).
    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        for index in 0..<bytes.count where bytes[index] | 0x20 != expected[index] {
            return false
        }
        return true
    }
}

extension HTTPByteClass {
    /// Whether `bytes` are exactly `text`.
    static func equals(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount, let base = bytes.baseAddress else { return false }
        return memcmp(base, text.utf8Start, bytes.count) == 0
    }

    /// The value of ASCII digits and nothing else, at most 18 of them after leading zeros, so
    /// it cannot overflow; `nil` for anything else.
    static func decimal(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var value = 0
        var significantDigits = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            if value > 0 || byte != UInt8(ascii: "0") {
                significantDigits += 1
                guard significantDigits <= 18 else { return nil }
            }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
