/// A cursor over one line's bytes with the JSON token scanners the line parser needs.
struct Scanner {
    /// The line's first byte.
    let base: UnsafePointer<UInt8>
    /// The line's length.
    let count: Int
    /// The next byte to look at.
    var index = 0
    /// Whether any string held a byte ≥ 0x80, so the line needs UTF-8 validation.
    var sawNonASCII = false

    /// Creates a scanner at the start of a line.
    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    /// The current byte, or 0 at the end.
    @inline(__always)
    func peek() -> UInt8 {
        self.index < self.count ? self.base[self.index] : 0
    }

    /// Skips JSON whitespace.
    @inline(__always)
    mutating func skipWhitespace() {
        while self.index < self.count {
            let byte = self.base[self.index]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A else { return }
            self.index += 1
        }
    }

    /// Scans a string starting at its opening quote; the span excludes the quotes.
    mutating func scanString() -> Result<ValueSpan, ParseFailure> {
        let start = self.index + 1
        var index = start
        var escaped = false
        var high: UInt8 = 0
        while index < self.count {
            let byte = self.base[index]
            if byte == UInt8(ascii: "\"") {
                self.index = index + 1
                if high & 0x80 != 0 {
                    self.sawNonASCII = true
                }
                return .success(ValueSpan(start: Int32(start), end: Int32(index), type: .string, escaped: escaped))
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 2
                continue
            }
            if byte < 0x20 {
                return .failure(ParseFailure(.invalidJSON, "control character in string at byte \(index + 1)"))
            }
            high |= byte
            index += 1
        }
        return .failure(ParseFailure(.truncated, "line ends inside a string"))
    }

    /// Scans any JSON value; containers are skipped as a whole.
    mutating func scanValue() -> Result<ValueSpan, ParseFailure> {
        guard self.index < self.count else { return .failure(ParseFailure(.truncated)) }
        let byte = self.base[self.index]
        switch byte {
        case UInt8(ascii: "\""):
            return self.scanString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return self.scanNumber()
        case UInt8(ascii: "t"):
            return self.scanLiteral("true", type: .boolean)
        case UInt8(ascii: "f"):
            return self.scanLiteral("false", type: .boolean)
        case UInt8(ascii: "n"):
            return self.scanLiteral("null", type: .null)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            return self.scanContainer()
        default:
            return .failure(ParseFailure(.invalidJSON, "unexpected byte at \(self.index + 1)"))
        }
    }

    /// Scans a number in JSON's grammar.
    private mutating func scanNumber() -> Result<ValueSpan, ParseFailure> {
        let start = self.index
        var index = start
        if self.base[index] == UInt8(ascii: "-") {
            index += 1
        }
        let digitsStart = index
        while index < self.count, self.base[index] &- 48 < 10 {
            index += 1
        }
        guard index > digitsStart else { return self.numberFailure(at: index) }
        if index < self.count, self.base[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < self.count, self.base[index] &- 48 < 10 {
                index += 1
            }
            guard index > fractionStart else { return self.numberFailure(at: index) }
        }
        if index < self.count, self.base[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < self.count, self.base[index] == UInt8(ascii: "+") || self.base[index] == UInt8(ascii: "-") {
                index += 1
            }
            let exponentStart = index
            while index < self.count, self.base[index] &- 48 < 10 {
                index += 1
            }
            guard index > exponentStart else { return self.numberFailure(at: index) }
        }
        self.index = index
        return .success(ValueSpan(start: Int32(start), end: Int32(index), type: .number, escaped: false))
    }

    /// A malformed number: truncated at the end of the line, invalid otherwise.
    private func numberFailure(at index: Int) -> Result<ValueSpan, ParseFailure> {
        .failure(index >= self.count ? ParseFailure(.truncated) : ParseFailure(.invalidJSON, "malformed number at byte \(index + 1)"))
    }

    /// Scans `true`, `false` or `null`.
    private mutating func scanLiteral(_ literal: StaticString, type: ValueSpan.ValueType) -> Result<ValueSpan, ParseFailure> {
        let start = self.index
        let length = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        for offset in 0..<length {
            guard start + offset < self.count else { return .failure(ParseFailure(.truncated)) }
            guard self.base[start + offset] == expected[offset] else {
                return .failure(ParseFailure(.invalidJSON, "unexpected byte at \(start + offset + 1)"))
            }
        }
        self.index = start + length
        return .success(ValueSpan(start: Int32(start), end: Int32(self.index), type: type, escaped: false))
    }

    /// Skips a nested object or array, tracking strings so brackets inside them do not count.
    private mutating func scanContainer() -> Result<ValueSpan, ParseFailure> {
        let start = self.index
        var depth = 0
        while self.index < self.count {
            let byte = self.base[self.index]
            switch byte {
            case UInt8(ascii: "\""):
                if case .failure(let failure) = self.scanString() {
                    return .failure(failure)
                }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    self.index += 1
                    return .success(ValueSpan(start: Int32(start), end: Int32(self.index), type: .container, escaped: false))
                }
            default:
                break
            }
            self.index += 1
        }
        return .failure(ParseFailure(.truncated, "line ends inside a nested value"))
    }
}

/// A cursor over a text access line, yielding space-separated and quoted/bracketed tokens.
struct TextCursor {
    /// The line's first byte.
    let base: UnsafePointer<UInt8>
    /// The line's length, without trailing CR.
    let count: Int
    /// The next byte to look at.
    var index = 0

    /// Creates a cursor over a line, ignoring a trailing carriage return.
    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        var count = count
        while count > 0, base[count - 1] == 0x0D || base[count - 1] == 0x20 {
            count -= 1
        }
        self.count = count
    }

    /// Skips spaces.
    private mutating func skipSpaces() {
        while self.index < self.count, self.base[self.index] == UInt8(ascii: " ") {
            self.index += 1
        }
    }

    /// The next space-separated token.
    mutating func token() -> ValueSpan? {
        self.skipSpaces()
        let start = self.index
        while self.index < self.count, self.base[self.index] != UInt8(ascii: " ") {
            self.index += 1
        }
        guard self.index > start else { return nil }
        return ValueSpan(start: Int32(start), end: Int32(self.index), type: .string, escaped: false)
    }

    /// The contents of the next `open`…`close` token; backslash escapes the closing byte.
    mutating func delimited(open: Unicode.Scalar, close: Unicode.Scalar) -> ValueSpan? {
        self.skipSpaces()
        guard self.index < self.count, self.base[self.index] == UInt8(ascii: open) else { return nil }
        let start = self.index + 1
        var index = start
        var escaped = false
        while index < self.count {
            let byte = self.base[index]
            if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 2
                continue
            }
            if byte == UInt8(ascii: close) {
                self.index = index + 1
                return ValueSpan(start: Int32(start), end: Int32(index), type: .string, escaped: escaped)
            }
            index += 1
        }
        return nil
    }

    /// The last token of the line when it is a plain number (the duration column), else nil.
    func lastNumberToken() -> ValueSpan? {
        var start = self.count
        while start > self.index, self.base[start - 1] != UInt8(ascii: " ") {
            start -= 1
        }
        guard start < self.count else { return nil }
        var sawDigit = false
        for position in start..<self.count {
            let byte = self.base[position]
            if byte &- 48 < 10 {
                sawDigit = true
            } else if byte != UInt8(ascii: ".") {
                return nil
            }
        }
        guard sawDigit else { return nil }
        return ValueSpan(start: Int32(start), end: Int32(self.count), type: .number, escaped: false)
    }
}
