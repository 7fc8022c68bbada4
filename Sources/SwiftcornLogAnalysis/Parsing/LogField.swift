/// A key of the access-log record schema (v1), plus the keys of error records.
///
/// The raw values index ``ParsedRecord``'s span table; the order is the schema's key order so the
/// parser can guess the next key and usually match it with a single comparison.
package enum LogField: Int, CaseIterable, Sendable {
    case ts
    case level
    case event
    case method
    case path
    case query
    case route
    case status
    case durationMilliseconds
    case bytesIn
    case bytesOut
    case remoteAddress
    case userAgent
    case referer
    case requestID
    case httpVersion
    case host
    case worker
    case pid
    case logger
    case message
    case source

    /// The key as it appears in a JSON record.
    package var key: String {
        switch self {
        case .ts: "ts"
        case .level: "level"
        case .event: "event"
        case .method: "method"
        case .path: "path"
        case .query: "query"
        case .route: "route"
        case .status: "status"
        case .durationMilliseconds: "duration_ms"
        case .bytesIn: "bytes_in"
        case .bytesOut: "bytes_out"
        case .remoteAddress: "remote_addr"
        case .userAgent: "user_agent"
        case .referer: "referer"
        case .requestID: "request_id"
        case .httpVersion: "http_version"
        case .host: "host"
        case .worker: "worker"
        case .pid: "pid"
        case .logger: "logger"
        case .message: "message"
        case .source: "source"
        }
    }

    /// Whether the schema types the field as a number.
    package var isNumeric: Bool {
        switch self {
        case .status, .durationMilliseconds, .bytesIn, .bytesOut, .worker, .pid: true
        default: false
        }
    }

    /// The field for a key, accepting the short aliases the CLI offers (`client`, `ua`, `duration`).
    package init?(name: String) {
        switch name {
        case "client", "ip", "remote_addr": self = .remoteAddress
        case "ua", "user_agent": self = .userAgent
        case "duration", "duration_ms", "latency": self = .durationMilliseconds
        case "time", "ts": self = .ts
        default:
            guard let field = LogField.allCases.first(where: { $0.key == name }) else { return nil }
            self = field
        }
    }

    /// The keys' bytes, indexed by raw value, for the parser's comparisons.
    static let keyBytes: [[UInt8]] = LogField.allCases.map { Array($0.key.utf8) }
}
