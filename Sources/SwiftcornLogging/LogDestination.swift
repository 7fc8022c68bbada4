import SwiftcornConfig

#if canImport(Glibc)
import Glibc
#endif

/// Where a stream of log lines is written.
package enum LogDestination: Sendable, Hashable, CustomStringConvertible {
    /// The process's standard output (`-` for access records).
    case standardOutput
    /// The process's standard error (`-` for error records).
    case standardError
    /// A file, opened for appending.
    case file(path: String)
    /// The systemd journal.
    case journald

    /// Reads a configured destination: `-` is the stream's standard one, `journald` the
    /// journal, anything else a path.
    package init(configured value: String, standard: LogDestination) {
        switch value {
        case "-": self = standard
        case "journald": self = .journald
        default: self = .file(path: value)
        }
    }

    /// The `sink` label of the log metrics: `stdout`, `stderr`, `file` or `journald`.
    package var sinkLabel: String {
        switch self {
        case .standardOutput: "stdout"
        case .standardError: "stderr"
        case .file: "file"
        case .journald: "journald"
        }
    }

    /// A short human-readable form, for logs and messages.
    package var description: String {
        switch self {
        case .standardOutput: "stdout"
        case .standardError: "stderr"
        case .file(let path): path
        case .journald: "journald"
        }
    }
}

/// A destination of log records, used only by its ``LogWriter``'s thread.
protocol LogSink: AnyObject {
    /// Writes `entries`, in order.
    func write(_ entries: [LogEntry])
    /// Reopens what can be reopened, after an outside tool moved a file.
    func reopen()
    /// Releases what the sink holds open; nothing is written afterwards.
    func close()
}

extension LogDestination {
    /// The sink writing to this destination, in `format` (streams and files).
    func makeSink(format: LogFormat, journalIdentifier: String, worker: Int) -> any LogSink {
        switch self {
        case .standardOutput:
            return StreamSink(standardDescriptor: 1, format: format)
        case .standardError:
            return StreamSink(standardDescriptor: 2, format: format)
        case .file(let path):
            return StreamSink(path: path, format: format)
        case .journald:
            let pid = getpid()
            return JournalSink(identifier: journalIdentifier) { error in
                // One warning per switch to the fallback, written where it is sure to land.
                let warning = EventRecord.warning(
                    "journald refused a record; writing to stderr and retrying every 5s",
                    worker: worker,
                    pid: pid,
                    metadata: [("errno", String(error)), ("error", String(cString: strerror(error)))]
                )
                StreamSink.writeAll(warning.jsonLine(), to: 2)
            }
        }
    }
}

extension LogFormat {
    /// The line for `entry`, newline included.
    func line(for entry: LogEntry) -> [UInt8] {
        switch (self, entry) {
        case (.json, .access(let record)): record.jsonLine()
        case (.json, .event(let record)): record.jsonLine()
        case (.text, .access(let record)): record.textLine()
        case (.text, .event(let record)): record.textLine()
        }
    }
}

extension LoggingConfiguration {
    /// A writer for the access stream's destinations, `nil` when there are none.
    package func makeAccessWriter(worker: Int) -> LogWriter? {
        self.makeWriter(self.accessLog, standard: .standardOutput, worker: worker)
    }

    /// A writer for the error stream's destinations, standard error when there are none.
    package func makeErrorWriter(worker: Int) -> LogWriter {
        self.makeWriter(self.errorLog.isEmpty ? ["-"] : self.errorLog, standard: .standardError, worker: worker)!
    }

    private func makeWriter(_ values: [String], standard: LogDestination, worker: Int) -> LogWriter? {
        guard !values.isEmpty else { return nil }
        return LogWriter(
            destinations: values.map { LogDestination(configured: $0, standard: standard) },
            format: self.format,
            journalIdentifier: self.journalIdentifier,
            capacity: self.queueSize,
            policy: self.overflow,
            worker: worker
        )
    }
}
