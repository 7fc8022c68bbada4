/// Where log lines come from.
package enum InputSource: Sendable, Hashable, CustomStringConvertible {
    /// A file, plain or gzip-compressed (detected by its magic bytes, not its name).
    case file(String)
    /// Standard input, plain or gzip-compressed.
    case standardInput
    /// Bytes in memory, named for messages; used by tests and embedding code.
    case bytes([UInt8], name: String)
    /// Entries of the systemd journal.
    case journal(JournalQuery)

    /// The name used in messages (`-` for stdin).
    package var description: String {
        switch self {
        case .file(let path): path
        case .standardInput: "-"
        case .bytes(_, let name): name
        case .journal(let query): query.directory.map { "journal:\($0)" } ?? "journal"
        }
    }

    /// `-` is stdin, anything else a file path.
    package init(argument: String) {
        self = argument == "-" ? .standardInput : .file(argument)
    }
}
