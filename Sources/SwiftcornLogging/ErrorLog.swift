import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The process's error-log writer, which every ``SwiftcornLogHandler`` sends its records to.
///
/// swift-log is bootstrapped once, before the configuration is read; records go to standard
/// error until ``configure(writer:worker:level:)`` installs the configured destinations.
package enum ErrorLog {
    private struct State: Sendable {
        var writer: LogWriter
        var worker: Int
        var level: Logger.Level
        var observer: (@Sendable (Logger.Level, _ carriesError: Bool) -> Void)?
    }

    private static let state = Mutex(
        State(writer: LogWriter(destinations: [.standardError], capacity: 1024), worker: 0, level: .info)
    )

    /// Installs the writer, the worker index (0 in the master) and the lowest level written.
    ///
    /// The previous writer writes what it holds, closes its files and ends its thread: a
    /// reload (HUP) must not leave one thread and one descriptor per file behind each time.
    package static func configure(writer: LogWriter, worker: Int, level: Logger.Level) {
        let previous = Self.state.withLock { state in
            let previous = state.writer
            state = State(writer: writer, worker: worker, level: level, observer: state.observer)
            return previous
        }
        if previous !== writer {
            previous.finish()
        }
    }

    /// Calls `observer` with the level of every record of warning level or above written from
    /// now on, and whether it carries an error (statsd's `log.*` counters).
    package static func observeWarnings(_ observer: @escaping @Sendable (Logger.Level, _ carriesError: Bool) -> Void) {
        Self.state.withLock { $0.observer = observer }
    }

    /// The observer of warnings, if any.
    static var observer: (@Sendable (Logger.Level, Bool) -> Void)? {
        Self.state.withLock { $0.observer }
    }

    /// The current writer.
    package static var writer: LogWriter {
        Self.state.withLock { $0.writer }
    }

    static var snapshot: (writer: LogWriter, worker: Int, level: Logger.Level) {
        Self.state.withLock { ($0.writer, $0.worker, $0.level) }
    }
}

/// A swift-log handler that turns every log call, Swiftcorn's and the application's, into an
/// error-log record on the process's ``ErrorLog`` writer: JSON with the metadata as fields, or
/// journald fields.
package struct SwiftcornLogHandler: LogHandler {
    private let label: String
    private var overrideLevel: Logger.Level?

    /// Metadata every record of this logger carries.
    package var metadata: Logger.Metadata = [:]
    /// Supplies metadata at each log call (task-local context, for instance).
    package var metadataProvider: Logger.MetadataProvider?

    /// A handler for loggers labelled `label`.
    package init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    /// The configured level, unless this logger set its own.
    package var logLevel: Logger.Level {
        get { self.overrideLevel ?? ErrorLog.snapshot.level }
        set { self.overrideLevel = newValue }
    }

    /// One item of ``metadata``.
    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    /// Turns one log call into an error-log record on the ``ErrorLog`` writer.
    package func log(event: LogEvent) {
        var explicit = event.metadata
        if let error = event.error {
            explicit = (explicit ?? [:]).merging(["error": "\(error)"]) { old, _ in old }
        }
        if event.level >= .warning, let observer = ErrorLog.observer {
            observer(event.level, event.error != nil)
        }
        self.record(level: event.level, message: event.message, metadata: explicit, file: event.file, function: event.function, line: event.line)
    }

    private func record(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, file: String, function: String, line: UInt)
    {
        var merged = self.metadata
        if let provided = self.metadataProvider?.get() {
            merged.merge(provided) { _, new in new }
        }
        if let explicit {
            merged.merge(explicit) { _, new in new }
        }
        let (writer, worker, _) = ErrorLog.snapshot
        let record = EventRecord(
            timestampMicroseconds: WallClock.microseconds(),
            level: level.rawValue,
            logger: self.label,
            message: message.description,
            worker: worker,
            pid: getpid(),
            file: file,
            line: Int(line),
            function: function,
            metadata: merged.sorted { $0.key < $1.key }.map { ($0.key, Self.flatten($0.value)) }
        )
        writer.submit(.event(record))
    }

    /// A metadata value as the string a JSON or journal field holds.
    static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): "[" + values.map { Self.flatten($0) }.joined(separator: ", ") + "]"
        case .dictionary(let values):
            "{" + values.sorted { $0.key < $1.key }.map { "\($0.key): \(Self.flatten($0.value))" }.joined(separator: ", ") + "}"
        }
    }
}
