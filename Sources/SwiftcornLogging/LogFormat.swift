/// How a stream or file sink renders records.
public enum LogFormat: String, Sendable {
    /// One JSON object per line (schema v1).
    case json
    /// gunicorn's default access line (Apache combined plus the duration in seconds) and a
    /// plain error line, for tools that expect them.
    case text

    /// The line for `entry`, newline included.
    func line(for entry: LogEntry) -> [UInt8] {
        switch (self, entry) {
        case (.json, .access(let record)): record.jsonLine()
        case (.json, .event(let record)): record.jsonLine()
        case (.text, .access(let record)): record.textLine()
        case (.text, .event(let record)): record.textLine()
        }
    }
}
