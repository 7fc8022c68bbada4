import CSystemd
import SwiftcornConfig
import SwiftcornFormat

#if canImport(Glibc)
import Glibc
#endif

/// Sends records to journald in its native protocol: `MESSAGE` is the JSON line, and indexed
/// fields let `journalctl -t swiftcorn HTTP_STATUS=500` match without parsing it.
///
/// One datagram per record on a socket connected once to journald's, rather than
/// `sd_journal_sendv`, which names the socket's path in every `sendmsg` and so costs the kernel a
/// path lookup per record; an entry too large for a datagram still goes through libsystemd (a
/// sealed memfd). A value holding a newline is sent in the length-prefixed form, so it cannot
/// start a forged field. When journald is absent or refuses, records go to standard error
/// (counted, with one warning) and journald is retried, on a fresh socket, every few seconds.
final class JournalSink: LogSink {
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
            let result = self.socket.send(self.fields)
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

    func close() {
        self.socket.close()
    }

    /// The connection records go through.
    private let socket = JournalSocket()

    private func fallback(_ entry: LogEntry) {
        self.fallbackRecords += 1
        StreamSink.writeAll(LogFormat.json.line(for: entry), to: 2)
    }

    /// Reused for every record: one buffer of `NAME=value` fields, no allocation per field.
    private var fields = JournalFields()

    /// The journal fields of `entry`.
    func encode(_ entry: LogEntry, into fields: inout JournalFields) {
        fields.addMessage(entry)
        switch entry {
        case .access(let record):
            fields.add("PRIORITY", "6")
            fields.add("SYSLOG_IDENTIFIER", self.identifier)
            fields.add(.event, RecordField.accessEvent.description)
            fields.add(.method, record.method)
            fields.add(.path, record.path)
            if let route = record.route {
                fields.add(.route, route)
            }
            fields.add(.status, record.status)
            fields.add(.durationMilliseconds, Int(record.durationMicroseconds))
            fields.add(.bytesIn, record.bytesIn)
            fields.add(.bytesOut, record.bytesOut)
            fields.add(.remoteAddress, record.remoteAddress)
            fields.add(.userAgent, record.userAgent)
            fields.add(.requestID, record.requestID)
            fields.add(.worker, record.worker)
        case .event(let record):
            fields.add("PRIORITY", Self.priority(record.level))
            fields.add("SYSLOG_IDENTIFIER", self.identifier)
            fields.add(.event, RecordField.logEvent.description)
            fields.add("CODE_FILE", EventRecord.shortFile(record.file))
            fields.add("CODE_LINE", record.line)
            fields.add("CODE_FUNC", record.function)
            fields.add(.worker, record.worker)
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
