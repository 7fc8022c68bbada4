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
