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
