import Logging
import Synchronization

/// The process's error-log writer, which every ``SwiftcornLogHandler`` sends its records to.
///
/// swift-log is bootstrapped once, before the configuration is read; records go to standard
/// error until ``configure(writer:worker:level:)`` installs the configured destinations.
public enum ErrorLog {
    private struct State: Sendable {
        var writer: LogWriter
        var worker: Int
        var level: Logger.Level
    }

    private static let state = Mutex(
        State(writer: LogWriter(destinations: [.standardError], capacity: 1024), worker: 0, level: .info)
    )

    /// Installs the writer, the worker index (0 in the master) and the lowest level written.
    public static func configure(writer: LogWriter, worker: Int, level: Logger.Level) {
        let previous = Self.state.withLock { state in
            let previous = state.writer
            state = State(writer: writer, worker: worker, level: level)
            return previous
        }
        previous.flush()
    }

    /// The current writer.
    public static var writer: LogWriter {
        Self.state.withLock { $0.writer }
    }

    static var snapshot: (writer: LogWriter, worker: Int, level: Logger.Level) {
        Self.state.withLock { ($0.writer, $0.worker, $0.level) }
    }
}
