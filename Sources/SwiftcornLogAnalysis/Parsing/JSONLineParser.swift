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
