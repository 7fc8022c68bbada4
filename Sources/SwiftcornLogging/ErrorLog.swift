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
        var observer: (@Sendable (Logger.Level, _ carriesError: Bool) -> Void)?
    }

    private static let state = Mutex(
        State(writer: LogWriter(destinations: [.standardError], capacity: 1024), worker: 0, level: .info)
    )

    /// Installs the writer, the worker index (0 in the master) and the lowest level written.
    ///
    /// The previous writer writes what it holds, closes its files and ends its thread: a
    /// reload (HUP) must not leave one thread and one descriptor per file behind each time.
    public static func configure(writer: LogWriter, worker: Int, level: Logger.Level) {
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
    public static func observeWarnings(_ observer: @escaping @Sendable (Logger.Level, _ carriesError: Bool) -> Void) {
        Self.state.withLock { $0.observer = observer }
    }

    /// The observer of warnings, if any.
    static var observer: (@Sendable (Logger.Level, Bool) -> Void)? {
        Self.state.withLock { $0.observer }
    }

    /// The current writer.
    public static var writer: LogWriter {
        Self.state.withLock { $0.writer }
    }

    static var snapshot: (writer: LogWriter, worker: Int, level: Logger.Level) {
        Self.state.withLock { ($0.writer, $0.worker, $0.level) }
    }
}
