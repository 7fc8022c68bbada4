import SwiftcornTime

/// Appends JSON to a byte array by hand: the hot path of every access record, so no
/// Foundation encoder, no intermediate `String`s and no dictionary.
///
/// Strings are escaped as RFC 8259 requires (`"`, `\`, U+0000…U+001F) plus U+2028 and U+2029,
/// which JavaScript consumers of the lines would read as line breaks. Swift strings are valid
/// UTF-8 (invalid input bytes became U+FFFD when the header was decoded), so the output is too,
/// and a value can never end the line or the object early.
public struct JSONLineWriter: Sendable {
    /// The line so far.
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    /// Starts an object.
    public init(capacity: Int = 512) {
        self.bytes.reserveCapacity(capacity)
        self.bytes.append(UInt8(ascii: "{"))
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Appends one object, and a newline when `line`, to `buffer` in place: `body` writes its
    /// fields. The buffer is swapped in and out, never copied, however large it has grown (a
    /// writer thread's batch).
    public static func append(to buffer: inout [UInt8], line: Bool, _ body: (inout JSONLineWriter) -> Void) {
        var writer = JSONLineWriter(bytes: [])
        swap(&writer.bytes, &buffer)
        writer.bytes.append(UInt8(ascii: "{"))
        body(&writer)
        writer.bytes.append(UInt8(ascii: "}"))
        if line { writer.bytes.append(UInt8(ascii: "\n")) }
        swap(&writer.bytes, &buffer)
    }

    /// Ends the object and the line.
    public mutating func finish() -> [UInt8] {
        self.bytes.append(UInt8(ascii: "}"))
        self.bytes.append(UInt8(ascii: "\n"))
        return self.bytes
    }

    /// Adds `"key":"value"`.
    public mutating func field(_ key: StaticString, _ value: String) {
        self.key(key)
        self.string(value)
    }

    /// Adds `"key":"value"` for a key known only at run time (metadata).
    public mutating func field(dynamicKey key: String, _ value: String) {
        self.separator()
        self.string(key)
        self.bytes.append(UInt8(ascii: ":"))
        self.string(value)
    }

    /// Adds `"key":integer`.
    public mutating func field(_ key: StaticString, _ value: Int64) {
        self.key(key)
        self.integer(value)
    }

    /// Adds `"key":integer`.
    public mutating func field(_ key: StaticString, _ value: Int) {
        self.field(key, Int64(value))
    }

    /// Adds `"key":milliseconds` with microsecond precision, from microseconds, e.g. `12.345`.
    public mutating func field(_ key: StaticString, millisecondsFromMicroseconds micros: Int64) {
        self.key(key)
        if micros < 0 {
            self.bytes.append(UInt8(ascii: "-"))
        }
        let magnitude = micros.magnitude
        self.unsigned(magnitude / 1000)
        self.bytes.append(UInt8(ascii: "."))
        let fraction = magnitude % 1000
        self.bytes.append(UInt8(ascii: "0") + UInt8(fraction / 100))
        self.bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        self.bytes.append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    /// Adds `"key":"2026-11-28T17:18:00.123456Z"`, written in place.
    public mutating func field(_ key: StaticString, timestampMicroseconds micros: Int64) {
        self.key(key)
        self.bytes.append(UInt8(ascii: "\""))
        RFC3339Timestamp.append(micros: micros, to: &self.bytes)
        self.bytes.append(UInt8(ascii: "\""))
    }

    private mutating func separator() {
        if self.needsComma {
            self.bytes.append(UInt8(ascii: ","))
        }
        self.needsComma = true
    }

    private mutating func key(_ key: StaticString) {
        self.separator()
        self.bytes.append(UInt8(ascii: "\""))
        self.bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        self.bytes.append(UInt8(ascii: "\""))
        self.bytes.append(UInt8(ascii: ":"))
    }

    private mutating func integer(_ value: Int64) {
        if value < 0 {
            self.bytes.append(UInt8(ascii: "-"))
        }
        self.unsigned(value.magnitude)
    }

    private mutating func unsigned(_ value: UInt64) {
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            for index in stride(from: count - 1, through: 0, by: -1) {
                self.bytes.append(buffer[index])
            }
        }
    }

    private mutating func string(_ value: String) {
        self.bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            // Bytes that need no escape (nearly all of them) are copied a run at a time.
            var runStart = 0
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && byte != 0x7F && byte != 0xE2 {
                    index += 1
                    continue
                }
                if runStart < index {
                    self.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                }
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    self.bytes.append(UInt8(ascii: "\\"))
                    self.bytes.append(byte)
                case UInt8(ascii: "\n"):
                    self.escape("n")
                case UInt8(ascii: "\r"):
                    self.escape("r")
                case UInt8(ascii: "\t"):
                    self.escape("t")
                case 0..<0x20, 0x7F:
                    self.unicodeEscape(UInt16(byte))
                case 0xE2 where index + 2 < utf8.count && utf8[index + 1] == 0x80 && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                    // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR.
                    self.unicodeEscape(utf8[index + 2] == 0xA8 ? 0x2028 : 0x2029)
                    index += 2
                default:
                    self.bytes.append(byte)
                }
                index += 1
                runStart = index
            }
            if runStart < utf8.count {
                self.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ letter: Unicode.Scalar) {
        self.bytes.append(UInt8(ascii: "\\"))
        self.bytes.append(UInt8(ascii: letter))
    }

    private mutating func unicodeEscape(_ value: UInt16) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        self.bytes.append(UInt8(ascii: "\\"))
        self.bytes.append(UInt8(ascii: "u"))
        self.bytes.append(hex[Int(value >> 12 & 0xF)])
        self.bytes.append(hex[Int(value >> 8 & 0xF)])
        self.bytes.append(hex[Int(value >> 4 & 0xF)])
        self.bytes.append(hex[Int(value & 0xF)])
    }
}
