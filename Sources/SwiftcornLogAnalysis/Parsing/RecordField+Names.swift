import SwiftcornFormat

/// The schema's keys as the analyser names and matches them. The raw values of
/// ``RecordField`` index ``ParsedRecord``'s span table.
extension RecordField {
    /// The field for a key, accepting the short aliases the CLI offers (`client`, `ua`, `duration`).
    package init?(name: String) {
        switch name {
        case "client", "ip", "remote_addr": self = .remoteAddress
        case "ua", "user_agent": self = .userAgent
        case "duration", "duration_ms", "latency": self = .durationMilliseconds
        case "time", "ts": self = .ts
        default:
            guard let field = RecordField.allCases.first(where: { $0.key == name }) else { return nil }
            self = field
        }
    }

    /// The keys' bytes, indexed by raw value, for the parser's comparisons.
    static let keyBytes: [[UInt8]] = RecordField.allCases.map { Array($0.key.utf8) }
}
