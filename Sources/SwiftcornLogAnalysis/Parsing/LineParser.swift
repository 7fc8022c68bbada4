/// Parses one line of either format: JSON records when it starts with `{`, combined text otherwise.
struct LineParser {
    /// The JSON parser, which knows the requested extra keys.
    let json: JSONLineParser

    /// Creates a parser that also locates `extraKeys` in JSON records.
    init(extraKeys: [String]) {
        self.json = JSONLineParser(extraKeys: extraKeys)
    }

    /// Parses `line` into `record`; returns why it failed, or nil on success.
    @inline(__always)
    func parse(_ line: UnsafeBufferPointer<UInt8>, into record: inout ParsedRecord) -> ParseFailure? {
        var index = 0
        while index < line.count, line[index] == 0x20 || line[index] == 0x09 {
            index += 1
        }
        if index < line.count, line[index] == UInt8(ascii: "{") {
            return self.json.parse(line, into: &record)
        }
        return TextLineParser.parse(line, into: &record)
    }
}
