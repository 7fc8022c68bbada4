#if canImport(Glibc)
import Glibc
#endif

/// Where a stream of log lines is written.
public enum LogDestination: Sendable, Hashable, CustomStringConvertible {
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
    public init(configured value: String, standard: LogDestination) {
        switch value {
        case "-": self = standard
        case "journald": self = .journald
        default: self = .file(path: value)
        }
    }

    /// The `sink` label of the log metrics: `stdout`, `stderr`, `file` or `journald`.
    public var sinkLabel: String {
        switch self {
        case .standardOutput: "stdout"
        case .standardError: "stderr"
        case .file: "file"
        case .journald: "journald"
        }
    }

    /// A short human-readable form, for logs and messages.
    public var description: String {
        switch self {
        case .standardOutput: "stdout"
        case .standardError: "stderr"
        case .file(let path): path
        case .journald: "journald"
        }
    }
}
