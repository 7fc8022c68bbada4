import SwiftcornFormat

#if canImport(Glibc)
import Glibc
#endif

/// One error-log record: something Swiftcorn or the application logged through swift-log.
package struct EventRecord: Sendable, Equatable {
    /// When it was logged, in microseconds since the Unix epoch.
    package var timestampMicroseconds: Int64
    /// swift-log's level name: `trace` … `critical`.
    package var level: String
    /// The logger's label.
    package var logger: String
    /// The message.
    package var message: String
    /// The worker index, 0 in the master.
    package var worker: Int
    /// The process id.
    package var pid: Int32
    /// The source file, for `source` and `CODE_FILE`.
    package var file: String
    /// The source line.
    package var line: Int
    /// The function, for `CODE_FUNC`.
    package var function: String
    /// Metadata, flattened to strings, in a stable order.
    package var metadata: [(key: String, value: String)]

    /// Creates a record.
    package init(
        timestampMicroseconds: Int64,
        level: String,
        logger: String,
        message: String,
        worker: Int,
        pid: Int32,
        file: String,
        line: Int,
        function: String,
        metadata: [(key: String, value: String)]
    ) {
        self.timestampMicroseconds = timestampMicroseconds
        self.level = level
        self.logger = logger
        self.message = message
        self.worker = worker
        self.pid = pid
        self.file = file
        self.line = line
        self.function = function
        self.metadata = metadata
    }

    /// A warning the logging machinery writes about itself, stamped now.
    static func warning(
        _ message: String,
        worker: Int,
        pid: Int32,
        metadata: [(key: String, value: String)],
        file: String = #fileID,
        function: String = #function,
        line: Int = #line
    ) -> EventRecord {
        EventRecord(
            timestampMicroseconds: WallClock.microseconds(),
            level: "warning",
            logger: "swiftcorn.logging",
            message: message,
            worker: worker,
            pid: pid,
            file: file,
            line: line,
            function: function,
            metadata: metadata
        )
    }

    /// Field by field, metadata in order.
    package static func == (lhs: EventRecord, rhs: EventRecord) -> Bool {
        lhs.timestampMicroseconds == rhs.timestampMicroseconds && lhs.level == rhs.level && lhs.logger == rhs.logger
            && lhs.message == rhs.message && lhs.worker == rhs.worker && lhs.pid == rhs.pid && lhs.file == rhs.file
            && lhs.line == rhs.line && lhs.function == rhs.function
            && lhs.metadata.elementsEqual(rhs.metadata) { $0.key == $1.key && $0.value == $1.value }
    }
}

/// What a log writer carries: an access record or an error-log record, encoded by each sink
/// in its own form on the writer's thread.
package enum LogEntry: Sendable {
    /// A served request.
    case access(AccessRecord)
    /// A log call.
    case event(EventRecord)
}

extension EventRecord {
    /// Keys of the record itself, which metadata may not shadow.
    static let reservedKeys = Set(RecordField.eventKeys.map(\.key))

    /// The record as one JSON line: the keys of ``RecordField/eventKeys`` in order, then metadata.
    package func jsonLine() -> [UInt8] {
        var writer = JSONLineWriter(capacity: 256 + self.message.utf8.count)
        self.writeFields(into: &writer)
        return writer.finish()
    }

    /// Writes the record's fields into an object `writer` has started.
    func writeFields(into writer: inout JSONLineWriter) {
        writer.field(.ts, timestampMicroseconds: self.timestampMicroseconds)
        writer.field(.level, self.level)
        writer.field(.event, RecordField.logEvent)
        writer.field(.logger, self.logger)
        writer.field(.message, self.message)
        writer.field(.worker, self.worker)
        writer.field(.pid, Int(self.pid))
        writer.field(.source, "\(Self.shortFile(self.file)):\(self.line)")
        for (key, value) in self.metadata {
            writer.field(dynamicKey: Self.reservedKeys.contains(key) ? "meta_" + key : key, value)
        }
    }

    /// `Sources/SwiftcornArbiter/Arbiter.swift` rather than the build machine's absolute path.
    static func shortFile(_ file: String) -> String {
        let parts = file.split(separator: "/", omittingEmptySubsequences: false)
        if let sources = parts.lastIndex(of: "Sources"), sources + 1 < parts.count {
            return parts[(sources + 1)...].joined(separator: "/")
        }
        // #fileID already is `Module/File.swift`; an absolute path is cut to its last part.
        return file.hasPrefix("/") ? parts.last.map(String.init) ?? file : file
    }
}

extension LogEntry {
    /// Appends the entry as a JSON object to `buffer`, with a closing newline when `line`: the
    /// rendering a file batch and journald's `MESSAGE` share, with no array of its own.
    // Inlined: as a call, the JSON-file mode served 1-10% fewer requests (median 6%, 6 paired
    // wrk runs).
    @inline(__always)
    func appendJSON(to buffer: inout [UInt8], line: Bool) {
        JSONLineWriter.append(to: &buffer, line: line) { writer in
            switch self {
            case .access(let record): record.writeFields(into: &writer)
            case .event(let record): record.writeFields(into: &writer)
            }
        }
    }
}

/// The wall clock in microseconds since the Unix epoch.
package enum WallClock {
    /// Now.
    package static func microseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
    }
}
