/// The log record schema, written in this one place: the server's JSON lines and journald
/// fields and the analyser's parser all take their keys from here.
///
/// An access record holds ``accessKeys`` in that order; an error-log record ``eventKeys``, then its
/// metadata. Raw values follow the access keys' order, the error record's own keys last, so the
/// analyser can guess the next key of a line and usually match it with one comparison.
package enum RecordField: Int, CaseIterable, Sendable {
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

    /// The schema's version (the README's "schema v1"); a change of key, kind or meaning bumps it.
    package static let schemaVersion = 1

    /// An access record's keys, in the order they are written.
    package static let accessKeys: [RecordField] = [
        .ts, .level, .event, .method, .path, .query, .route, .status, .durationMilliseconds, .bytesIn, .bytesOut,
        .remoteAddress, .userAgent, .referer, .requestID, .httpVersion, .host, .worker, .pid,
    ]

    /// An error-log record's own keys, in the order they are written; its metadata follows.
    package static let eventKeys: [RecordField] = [.ts, .level, .event, .logger, .message, .worker, .pid, .source]

    /// `event`'s value in an access record.
    package static let accessEvent: StaticString = "access"
    /// `event`'s value in an error-log record.
    package static let logEvent: StaticString = "log"
    /// `level`'s value in an access record.
    package static let accessLevel: StaticString = "info"

    /// How a value is written.
    package enum Kind: Sendable {
        /// An RFC 3339 UTC string with microseconds, `"2026-11-28T17:18:00.123456Z"`.
        case timestamp
        /// A string.
        case text
        /// A string, or no key at all when there is no value (`route`).
        case optionalText
        /// An integer.
        case integer
        /// Milliseconds with exactly three decimals (microsecond precision), `12.345`.
        case milliseconds
    }

    /// The key in a JSON record.
    @inlinable
    package var jsonKey: StaticString {
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

    /// The key as a `String`.
    package var key: String { self.jsonKey.description }

    /// The indexed journald field an access record repeats the value in, nil for values only
    /// the JSON `MESSAGE` holds. `DURATION_US` holds whole microseconds, not milliseconds; the
    /// others hold the value as the JSON does, unquoted.
    @inlinable
    package var journalField: StaticString? {
        switch self {
        case .event: "SWIFTCORN_EVENT"
        case .method: "HTTP_METHOD"
        case .path: "URL_PATH"
        case .route: "HTTP_ROUTE"
        case .status: "HTTP_STATUS"
        case .durationMilliseconds: "DURATION_US"
        case .bytesIn: "BYTES_IN"
        case .bytesOut: "BYTES_OUT"
        case .remoteAddress: "REMOTE_ADDR"
        case .userAgent: "USER_AGENT"
        case .requestID: "REQUEST_ID"
        case .worker: "WORKER"
        default: nil
        }
    }

    /// How the value is written.
    package var kind: Kind {
        switch self {
        case .ts: .timestamp
        case .route: .optionalText
        case .status, .bytesIn, .bytesOut, .worker, .pid: .integer
        case .durationMilliseconds: .milliseconds
        default: .text
        }
    }

    /// Whether the value is a JSON number.
    package var isNumeric: Bool {
        self.kind == .integer || self.kind == .milliseconds
    }
}
