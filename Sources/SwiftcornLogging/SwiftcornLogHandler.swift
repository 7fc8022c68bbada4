import Logging

#if canImport(Glibc)
import Glibc
#endif

/// A swift-log handler that turns every log call, Swiftcorn's and the application's, into an
/// error-log record on the process's ``ErrorLog`` writer: JSON with the metadata as fields, or
/// journald fields.
public struct SwiftcornLogHandler: LogHandler {
    private let label: String
    private var overrideLevel: Logger.Level?

    /// Metadata every record of this logger carries.
    public var metadata: Logger.Metadata = [:]
    /// Supplies metadata at each log call (task-local context, for instance).
    public var metadataProvider: Logger.MetadataProvider?

    /// A handler for loggers labelled `label`.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    /// The configured level, unless this logger set its own.
    public var logLevel: Logger.Level {
        get { self.overrideLevel ?? ErrorLog.snapshot.level }
        set { self.overrideLevel = newValue }
    }

    /// One item of ``metadata``.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    /// Turns one log call into an error-log record on the ``ErrorLog`` writer.
    public func log(event: LogEvent) {
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
