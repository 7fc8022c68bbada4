import CSystemd

#if canImport(Glibc)
import Glibc
#endif

/// Sends records to journald with `sd_journal_sendv`: `MESSAGE` is the JSON line, and indexed
/// fields let `journalctl -t swiftcorn HTTP_STATUS=500` match without parsing it.
///
/// Each field is its own `iovec`, so a value holding a newline cannot start a forged field:
/// libsystemd sends such values in the length-prefixed binary form. When journald is absent or
/// refuses, records go to standard error (counted, with one warning) and journald is retried
/// every few seconds.
final class JournalSink: LogSink {
    let kind = "journald"
    private let identifier: String
    private var fallbackUntil: ContinuousClock.Instant?
    /// Records written to standard error because journald refused them.
    private(set) var fallbackRecords = 0
    private let onFallback: (Int32) -> Void

    /// Time between attempts to reach journald again after a failure.
    static let retryInterval: Duration = .seconds(5)

    /// A sink tagging records with `SYSLOG_IDENTIFIER=identifier`; `onFallback` hears of each
    /// switch to standard error with the errno journald answered.
    init(identifier: String, onFallback: @escaping (Int32) -> Void) {
        self.identifier = identifier
        self.onFallback = onFallback
    }

    func write(_ entries: [LogEntry]) {
        for entry in entries {
            if let until = self.fallbackUntil, ContinuousClock.now < until {
                self.fallback(entry)
                continue
            }
            let result = Self.send(self.fields(for: entry))
            if result < 0 {
                if self.fallbackUntil == nil {
                    self.onFallback(-result)
                }
                self.fallbackUntil = .now + Self.retryInterval
                self.fallback(entry)
            } else {
                self.fallbackUntil = nil
            }
        }
    }

    func reopen() {}

    private func fallback(_ entry: LogEntry) {
        self.fallbackRecords += 1
        StreamSink.writeAll(LogFormat.json.line(for: entry), to: 2)
    }

    /// The journal fields of `entry`, each `NAME=value`.
    func fields(for entry: LogEntry) -> [[UInt8]] {
        var fields: [[UInt8]] = []
        switch entry {
        case .access(let record):
            var message = record.jsonLine()
            message.removeLast()
            fields.append(Self.field("MESSAGE", message))
            fields.append(Self.field("PRIORITY", "6"))
            fields.append(Self.field("SYSLOG_IDENTIFIER", self.identifier))
            fields.append(Self.field("SWIFTCORN_EVENT", "access"))
            fields.append(Self.field("HTTP_METHOD", record.method))
            fields.append(Self.field("URL_PATH", record.path))
            if let route = record.route {
                fields.append(Self.field("HTTP_ROUTE", route))
            }
            fields.append(Self.field("HTTP_STATUS", String(record.status)))
            fields.append(Self.field("DURATION_US", String(record.durationMicroseconds)))
            fields.append(Self.field("BYTES_IN", String(record.bytesIn)))
            fields.append(Self.field("BYTES_OUT", String(record.bytesOut)))
            fields.append(Self.field("REMOTE_ADDR", record.remoteAddress))
            fields.append(Self.field("USER_AGENT", record.userAgent))
            fields.append(Self.field("REQUEST_ID", record.requestID))
            fields.append(Self.field("WORKER", String(record.worker)))
        case .event(let record):
            var message = record.jsonLine()
            message.removeLast()
            fields.append(Self.field("MESSAGE", message))
            fields.append(Self.field("PRIORITY", String(Self.priority(record.level))))
            fields.append(Self.field("SYSLOG_IDENTIFIER", self.identifier))
            fields.append(Self.field("SWIFTCORN_EVENT", "log"))
            fields.append(Self.field("CODE_FILE", EventRecord.shortFile(record.file)))
            fields.append(Self.field("CODE_LINE", String(record.line)))
            fields.append(Self.field("CODE_FUNC", record.function))
            fields.append(Self.field("WORKER", String(record.worker)))
            for (key, value) in record.metadata {
                fields.append(Self.field(JournalFieldName.forMetadataKey(key), value))
            }
        }
        return fields
    }

    /// journald priorities (syslog's): debug 7, info 6, notice 5, warning 4, error 3, critical 2.
    static func priority(_ level: String) -> Int {
        switch level {
        case "trace", "debug": 7
        case "notice": 5
        case "warning": 4
        case "error": 3
        case "critical": 2
        default: 6
        }
    }

    private static func field(_ name: String, _ value: String) -> [UInt8] {
        Array(name.utf8) + [UInt8(ascii: "=")] + Array(value.utf8)
    }

    private static func field(_ name: String, _ value: [UInt8]) -> [UInt8] {
        Array(name.utf8) + [UInt8(ascii: "=")] + value
    }

    private static func send(_ fields: [[UInt8]]) -> Int32 {
        var joined: [UInt8] = []
        var ranges: [(offset: Int, count: Int)] = []
        for field in fields {
            ranges.append((joined.count, field.count))
            joined += field
        }
        return joined.withUnsafeBufferPointer { base in
            var vectors = ranges.map { range in
                iovec(iov_base: UnsafeMutableRawPointer(mutating: base.baseAddress! + range.offset), iov_len: range.count)
            }
            return sd_journal_sendv(&vectors, Int32(vectors.count))
        }
    }
}

/// Journal field names: `[A-Z0-9_]`, at most 64 bytes, not starting with `_` or a digit.
enum JournalFieldName {
    /// Fields the sink sets itself; metadata keys that would collide get a `META_` prefix.
    static let reserved: Set<String> = [
        "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "SWIFTCORN_EVENT", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "WORKER",
        "HTTP_METHOD", "URL_PATH", "HTTP_ROUTE", "HTTP_STATUS", "DURATION_US", "BYTES_IN", "BYTES_OUT", "REMOTE_ADDR",
        "USER_AGENT", "REQUEST_ID", "MESSAGE_ID", "SYSLOG_FACILITY", "SYSLOG_PID",
    ]

    static func forMetadataKey(_ key: String) -> String {
        var name = String(
            key.uppercased().unicodeScalars.map { scalar -> Character in
                (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9") ? Character(scalar) : "_"
            }
        )
        if name.isEmpty || name.first == "_" || name.first!.isNumber || Self.reserved.contains(name) {
            name = "META_" + name
        }
        return String(name.prefix(64))
    }
}
