/// One error-log record: something Swiftcorn or the application logged through swift-log.
public struct EventRecord: Sendable, Equatable {
    /// When it was logged, in microseconds since the Unix epoch.
    public var timestampMicroseconds: Int64
    /// swift-log's level name: `trace` … `critical`.
    public var level: String
    /// The logger's label.
    public var logger: String
    /// The message.
    public var message: String
    /// The worker index, 0 in the master.
    public var worker: Int
    /// The process id.
    public var pid: Int32
    /// The source file, for `source` and `CODE_FILE`.
    public var file: String
    /// The source line.
    public var line: Int
    /// The function, for `CODE_FUNC`.
    public var function: String
    /// Metadata, flattened to strings, in a stable order.
    public var metadata: [(key: String, value: String)]

    /// Creates a record.
    public init(
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
    public static func == (lhs: EventRecord, rhs: EventRecord) -> Bool {
        lhs.timestampMicroseconds == rhs.timestampMicroseconds && lhs.level == rhs.level && lhs.logger == rhs.logger
            && lhs.message == rhs.message && lhs.worker == rhs.worker && lhs.pid == rhs.pid && lhs.file == rhs.file
            && lhs.line == rhs.line && lhs.function == rhs.function
            && lhs.metadata.elementsEqual(rhs.metadata) { $0.key == $1.key && $0.value == $1.value }
    }
}

/// What a log writer carries: an access record or an error-log record, encoded by each sink
/// in its own form on the writer's thread.
public enum LogEntry: Sendable {
    /// A served request.
    case access(AccessRecord)
    /// A log call.
    case event(EventRecord)
}
