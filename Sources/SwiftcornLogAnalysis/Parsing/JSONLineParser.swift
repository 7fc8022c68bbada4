import SwiftcornFormat

/// A byte-level parser for one JSON access or log record per line.
///
/// It checks the line is a well-formed JSON object, records where each interesting value sits,
/// and decodes only the numbers analysis needs; keys may come in any order and unknown keys are
/// skipped. Hand-written because JSONDecoder allocates per value and is an order of magnitude slower.
struct JSONLineParser {
    /// Non-schema keys the caller asked for (`--by`, `--where`), as bytes.
    let extraKeys: [[UInt8]]

    /// Creates a parser that also locates `extraKeys`.
    init(extraKeys: [String]) {
        self.extraKeys = extraKeys.map { Array($0.utf8) }
    }

    /// Parses `line` into `record`; returns why it failed, or nil on success.
    func parse(_ line: UnsafeBufferPointer<UInt8>, into record: inout ParsedRecord) -> ParseFailure? {
        record.reset(line: line)
        guard let base = line.baseAddress else { return ParseFailure(.invalidJSON, "empty") }
        var scanner = Scanner(base: base, count: line.count)
        if let failure = self.scanObject(&scanner, into: &record) {
            return failure
        }
        if scanner.sawNonASCII, !UTF8Validation.isValid(line) {
            return ParseFailure(.invalidUTF8)
        }
        return RecordDecoding.decode(&record)
    }

    /// Walks the top-level object, storing the spans of known and requested keys.
    private func scanObject(_ scanner: inout Scanner, into record: inout ParsedRecord) -> ParseFailure? {
        scanner.skipWhitespace()
        guard scanner.peek() == UInt8(ascii: "{") else {
            return ParseFailure(.invalidJSON, "not an object")
        }
        scanner.index += 1
        scanner.skipWhitespace()
        if scanner.peek() == UInt8(ascii: "}") {
            scanner.index += 1
            return self.finish(&scanner)
        }
        var predicted = 0
        let knownCount = RecordField.allCases.count
        while true {
            scanner.skipWhitespace()
            guard scanner.index < scanner.count else { return ParseFailure(.truncated) }
            guard scanner.base[scanner.index] == UInt8(ascii: "\"") else {
                return ParseFailure(.invalidJSON, "expected a key at byte \(scanner.index + 1)")
            }
            let key: ValueSpan
            switch scanner.scanString() {
            case .success(let span): key = span
            case .failure(let failure): return failure
            }
            var slot = self.slot(forKey: key, in: scanner, predicted: predicted)
            if slot >= 0, slot < knownCount {
                predicted = slot + 1
            }
            if slot >= 0, record.spans[slot].type != .absent {
                // A repeated key: the first one wins, as in most lenient readers.
                slot = -1
            }
            scanner.skipWhitespace()
            guard scanner.index < scanner.count else { return ParseFailure(.truncated) }
            guard scanner.base[scanner.index] == UInt8(ascii: ":") else {
                return ParseFailure(.invalidJSON, "expected ':' at byte \(scanner.index + 1)")
            }
            scanner.index += 1
            scanner.skipWhitespace()
            switch scanner.scanValue() {
            case .success(let value):
                if slot >= 0 {
                    record.spans[slot] = value
                }
            case .failure(let failure): return failure
            }
            scanner.skipWhitespace()
            guard scanner.index < scanner.count else { return ParseFailure(.truncated) }
            let separator = scanner.base[scanner.index]
            scanner.index += 1
            if separator == UInt8(ascii: ",") {
                continue
            }
            if separator == UInt8(ascii: "}") {
                return self.finish(&scanner)
            }
            return ParseFailure(.invalidJSON, "expected ',' or '}' at byte \(scanner.index)")
        }
    }

    /// Checks nothing but whitespace follows the object.
    private func finish(_ scanner: inout Scanner) -> ParseFailure? {
        scanner.skipWhitespace()
        guard scanner.index == scanner.count else {
            return ParseFailure(.invalidJSON, "trailing bytes at byte \(scanner.index + 1)")
        }
        return nil
    }

    /// The span-table slot for a key, trying the schema's next key first; -1 for keys not wanted.
    private func slot(forKey key: ValueSpan, in scanner: Scanner, predicted: Int) -> Int {
        let keyStart = scanner.base + Int(key.start)
        let keyCount = key.count
        let known = RecordField.keyBytes
        if predicted < known.count, Self.equal(keyStart, keyCount, known[predicted]) {
            return predicted
        }
        for index in known.indices where index != predicted && Self.equal(keyStart, keyCount, known[index]) {
            return index
        }
        for index in self.extraKeys.indices where Self.equal(keyStart, keyCount, self.extraKeys[index]) {
            return known.count + index
        }
        return -1
    }

    /// Whether the bytes at `pointer` equal `expected`.
    @inline(__always)
    private static func equal(_ pointer: UnsafePointer<UInt8>, _ count: Int, _ expected: [UInt8]) -> Bool {
        guard count == expected.count else { return false }
        return expected.withUnsafeBufferPointer { expected in
            for index in 0..<count where pointer[index] != expected[index] {
                return false
            }
            return true
        }
    }
}

/// Decodes the inside of a JSON string (between the quotes) with its backslash escapes.
enum JSONStringDecoding {
    /// The decoded text; malformed escapes are kept literally rather than failing, since the line
    /// was already accepted by the parser and only display depends on it.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < bytes.count else {
                output.append(byte)
                index += 1
                continue
            }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "u"):
                guard var scalar = Self.hex4(bytes, at: index) else {
                    output.append(contentsOf: [UInt8(ascii: "\\"), escape])
                    continue
                }
                index += 4
                // A high surrogate followed by an escaped low surrogate forms one scalar.
                if (0xD800..<0xDC00).contains(scalar), index + 5 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u"), let low = Self.hex4(bytes, at: index + 2), (0xDC00..<0xE000).contains(low)
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                let unicode = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                output.append(contentsOf: Array(String(Character(unicode)).utf8))
            default: output.append(escape)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Four hex digits at `index` as a number.
    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}

/// Checks UTF-8 well-formedness without building a String, for lines that contain non-ASCII bytes.
enum UTF8Validation {
    /// Whether `bytes` is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF).
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                upper = 0x9F
            case 0xF0:
                length = 4
                lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                upper = 0x8F
            default: return false
            }
            guard index + length <= count else { return false }
            let second = bytes[index + 1]
            guard second >= lower, second <= upper else { return false }
            for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 {
                return false
            }
            index += length
        }
        return true
    }
}
