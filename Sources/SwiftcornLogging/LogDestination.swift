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

    /// Reads a configured destination: `-` is the stream's standard one, anything else a path.
    /// (`journald` is the journald sink's, handled before this.)
    public init(configured value: String, standard: LogDestination) {
        self = value == "-" ? standard : .file(path: value)
    }

    public var description: String {
        switch self {
        case .standardOutput: "stdout"
        case .standardError: "stderr"
        case .file(let path): path
        }
    }

    /// Opens the destination: a descriptor that appends.
    func open() -> Int32 {
        switch self {
        case .standardOutput:
            return 1
        case .standardError:
            return 2
        case .file(let path):
            // O_APPEND makes each write land whole at the end, even with every worker writing the file.
            return Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        }
    }
}
