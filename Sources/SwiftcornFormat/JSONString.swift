/// JSON string literals (RFC 8259), written into a byte array: the one escaper of the access and
/// error logs, the side port's pages and the analyser's JSON output.
///
/// Escaped: `"` and `\` with a backslash; `\n`, `\r`, `\t` by letter; the other controls
/// U+0000…U+001F and U+007F as `\u00XX`; U+2028 and U+2029 as `\u2028` and `\u2029`, since
/// JavaScript consumers of the lines read them as line breaks. Everything else is copied as is.
/// A Swift string is valid UTF-8, so the output is too, and a value can never end the line or
/// the object early.
package enum JSONString {
    /// Appends `value` between quotes, escaped.
    @inlinable
    package static func appendQuoted(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { Self.appendEscaped($0, to: &bytes) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `value` as a quoted, escaped literal, for output built from `String`s.
    package static func quoted(_ value: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 2)
        Self.appendQuoted(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the UTF-8 bytes `utf8`, escaped, without quotes. Bytes that need no escape
    /// (nearly all of them) are copied a run at a time.
    ///
    /// Eight bytes are tested at once (SWAR) for any that could need an escape: writing a
    /// 540-byte access line (100-byte user agent) took 13.1k instructions testing a byte at a
    /// time and 11.2k with this (callgrind, `-O`).
    @inlinable
    package static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        guard let base = utf8.baseAddress else { return }
        let count = utf8.count
        var runStart = 0
        var index = 0
        while index < count {
            if index &+ 8 <= count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if !Self.mayNeedEscape(word) {
                    index &+= 8
                    continue
                }
            }
            let byte = base[index]
            guard Self.mayNeedEscape(byte) else {
                index &+= 1
                continue
            }
            var length = 1
            let escape: UInt16
            switch byte {
            case 0xE2:
                // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR are E2 80 A8/A9.
                guard index &+ 2 < count, base[index &+ 1] == 0x80, base[index &+ 2] & 0xFE == 0xA8 else {
                    index &+= 1
                    continue
                }
                escape = base[index &+ 2] == 0xA8 ? 0x2028 : 0x2029
                length = 3
            default:
                escape = UInt16(byte)
            }
            if runStart < index {
                bytes.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: index &- runStart))
            }
            Self.appendEscape(escape, to: &bytes)
            index &+= length
            runStart = index
        }
        if runStart < count {
            bytes.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: count &- runStart))
        }
    }

    /// Whether `byte` is a control, `"`, `\`, DEL, or 0xE2 (which may start U+2028/U+2029).
    @inlinable
    static func mayNeedEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F || byte == 0xE2
    }

    /// Whether any of the eight bytes of `word` may need an escape; exact for "none".
    ///
    /// `(x - 0x01…) & ~x & 0x80…` is non-zero exactly when some byte of `x` is zero (the borrow
    /// can mark a wrong byte, never invent one); bytes equal to `c` are found as zeros of
    /// `x ^ c…`, and bytes below 0x20 with the same trick subtracting 0x20.
    @inlinable
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let controls = (word &- ones &* 0x20) & ~word & highs
        let quote = hasZero(word ^ (ones &* 0x22))
        let backslash = hasZero(word ^ (ones &* 0x5C))
        let delete = hasZero(word ^ (ones &* 0x7F))
        let separator = hasZero(word ^ (ones &* 0xE2))
        return controls | quote | backslash | delete | separator != 0
    }

    /// Appends the escape of `value`: a letter for `"`, `\`, newline, return and tab, else `\uXXXX`.
    @usableFromInline
    static func appendEscape(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\\"))
        switch value {
        case 0x22, 0x5C: bytes.append(UInt8(truncatingIfNeeded: value))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            bytes.append(UInt8(ascii: "u"))
            for shift in stride(from: 12, through: 0, by: -4) {
                let digit = UInt8(truncatingIfNeeded: value >> UInt16(shift) & 0xF)
                bytes.append(digit < 10 ? UInt8(ascii: "0") &+ digit : UInt8(ascii: "a") &+ digit &- 10)
            }
        }
    }
}
