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

/// Why one line could not be used, with a short detail for the stderr report.
struct ParseFailure: Error, Sendable {
    /// The kind, for counting.
    var problem: InputProblem
    /// Which key or byte offset, when known.
    var detail: String

    /// Creates a failure of `problem`.
    init(_ problem: InputProblem, _ detail: String = "") {
        self.problem = problem
        self.detail = detail
    }
}

/// What a line held once parsed.
package enum RecordKind: Sendable {
    /// An access record (`"event":"access"`, or a text line in combined format).
    case access
    /// An application/error log record (`"event":"log"`).
    case log
    /// Any other well-formed record; counted but not analysed.
    case other
}

/// A kind of unusable input, counted separately so a report can say what was wrong.
package enum InputProblem: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// The line ends inside a JSON value (a partial write, a cut file).
    case truncated
    /// The line is not a JSON object of the expected shape, nor a text access line.
    case invalidJSON
    /// The line is not well-formed UTF-8.
    case invalidUTF8
    /// The line exceeds the line-length limit; it is skipped without being parsed.
    case lineTooLong
    /// A required key (`ts`, `status`, `duration_ms`) is missing.
    case missingKey
    /// A key has a value of the wrong type or form (e.g. `"status":"200"`, a bad `ts`).
    case wrongType
    /// A file holds no bytes at all.
    case emptyFile
    /// A file cannot be opened or read.
    case unreadableFile

    /// A short human-readable form, for logs and messages.
    package var description: String {
        switch self {
        case .truncated: "truncated line"
        case .invalidJSON: "invalid JSON"
        case .invalidUTF8: "invalid UTF-8"
        case .lineTooLong: "line too long"
        case .missingKey: "missing key"
        case .wrongType: "wrong type"
        case .emptyFile: "empty file"
        case .unreadableFile: "unreadable file"
        }
    }

    /// The name used in JSON and CSV output.
    package var key: String {
        switch self {
        case .truncated: "truncated"
        case .invalidJSON: "invalid_json"
        case .invalidUTF8: "invalid_utf8"
        case .lineTooLong: "line_too_long"
        case .missingKey: "missing_key"
        case .wrongType: "wrong_type"
        case .emptyFile: "empty_file"
        case .unreadableFile: "unreadable_file"
        }
    }
}
