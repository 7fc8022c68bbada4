import SwiftcornConfig

extension LogFormat {
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
