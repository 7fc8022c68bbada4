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
            self.fields.reset()
            self.encode(entry, into: &self.fields)
            let result = self.fields.send()
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

    /// Reused for every record: one buffer of `NAME=value` fields, no allocation per field.
    private var fields = JournalFields()

    /// The journal fields of `entry`.
    func encode(_ entry: LogEntry, into fields: inout JournalFields) {
        var message = LogFormat.json.line(for: entry)
        message.removeLast()
        fields.add("MESSAGE", message)
        switch entry {
        case .access(let record):
            fields.add("PRIORITY", "6")
            fields.add("SYSLOG_IDENTIFIER", self.identifier)
            fields.add("SWIFTCORN_EVENT", "access")
            fields.add("HTTP_METHOD", record.method)
            fields.add("URL_PATH", record.path)
            if let route = record.route {
                fields.add("HTTP_ROUTE", route)
            }
            fields.add("HTTP_STATUS", record.status)
            fields.add("DURATION_US", Int(record.durationMicroseconds))
            fields.add("BYTES_IN", record.bytesIn)
            fields.add("BYTES_OUT", record.bytesOut)
            fields.add("REMOTE_ADDR", record.remoteAddress)
            fields.add("USER_AGENT", record.userAgent)
            fields.add("REQUEST_ID", record.requestID)
            fields.add("WORKER", record.worker)
        case .event(let record):
            fields.add("PRIORITY", Self.priority(record.level))
            fields.add("SYSLOG_IDENTIFIER", self.identifier)
            fields.add("SWIFTCORN_EVENT", "log")
            fields.add("CODE_FILE", EventRecord.shortFile(record.file))
            fields.add("CODE_LINE", record.line)
            fields.add("CODE_FUNC", record.function)
            fields.add("WORKER", record.worker)
            for (key, value) in record.metadata {
                fields.add(JournalFieldName.forMetadataKey(key), value)
            }
        }
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

/// The `NAME=value` fields of one journal entry in one buffer, and their `iovec`s.
struct JournalFields {
    private var bytes: [UInt8] = []
    private var ranges: [(offset: Int, count: Int)] = []

    init() {
        self.bytes.reserveCapacity(1024)
        self.ranges.reserveCapacity(24)
    }

    mutating func reset() {
        self.bytes.removeAll(keepingCapacity: true)
        self.ranges.removeAll(keepingCapacity: true)
    }

    mutating func add(_ name: String, _ value: String) {
        let start = self.bytes.count
        self.bytes.append(contentsOf: name.utf8)
        self.bytes.append(UInt8(ascii: "="))
        self.bytes.append(contentsOf: value.utf8)
        self.ranges.append((start, self.bytes.count - start))
    }

    mutating func add(_ name: String, _ value: [UInt8]) {
        let start = self.bytes.count
        self.bytes.append(contentsOf: name.utf8)
        self.bytes.append(UInt8(ascii: "="))
        self.bytes.append(contentsOf: value)
        self.ranges.append((start, self.bytes.count - start))
    }

    mutating func add(_ name: String, _ value: Int) {
        self.add(name, String(value))
    }

    /// The fields as text, for tests.
    var texts: [String] {
        self.ranges.map { String(decoding: self.bytes[$0.offset..<$0.offset + $0.count], as: UTF8.self) }
    }

    /// Sends the entry; 0 or a negative errno.
    func send() -> Int32 {
        self.bytes.withUnsafeBufferPointer { base in
            var vectors = self.ranges.map { range in
                iovec(iov_base: UnsafeMutableRawPointer(mutating: base.baseAddress! + range.offset), iov_len: range.count)
            }
            return sd_journal_sendv(&vectors, Int32(vectors.count))
        }
    }
}
