#if canImport(Glibc)
import Glibc
#endif

/// Reads a YAML configuration file into assignments, keeping each value's line for messages.
///
/// Every key is looked at, so each unknown one is reported with its line (see
/// ``YAMLSubsetParser`` for the YAML it reads).
enum YAMLConfigurationFile {
    /// The assignments in the file at `path`, and the mistakes found in it.
    static func read(path: String, table: SettingsTable) -> (assignments: [ConfigurationAssignment], errors: [ConfigurationError]) {
        let text: String
        do {
            text = try FileContents.read(path)
        } catch {
            return ([], [ConfigurationError(.unreadableFile, key: path, expected: "\(error)")])
        }
        return Self.parse(text, path: path, table: table)
    }

    /// The assignments in `text`, read as the file `path`.
    static func parse(
        _ text: String,
        path: String,
        table: SettingsTable = .swiftcorn
    ) -> (assignments: [ConfigurationAssignment], errors: [ConfigurationError]) {
        let root: YAMLNode?
        do {
            root = try YAMLSubsetParser.parse(text)
        } catch {
            return ([], [ConfigurationError(.unreadableFile, key: path, expected: "not valid YAML: \(error)")])
        }
        guard let root else { return ([], []) }
        guard case .mapping(let entries, _) = root else {
            if case .scalar(_, isNull: true, _) = root { return ([], []) }
            let source = ConfigurationSource.file(path: path, line: root.line)
            return ([], [ConfigurationError(.invalidValue, key: "(document)", expected: "a mapping of settings, key: value", source: source)])
        }
        var assignments: [ConfigurationAssignment] = []
        var errors: [ConfigurationError] = []
        let sections = Set(table.settings.compactMap(\.section))
        for entry in entries {
            if sections.contains(entry.key), case .mapping(let nested, _) = entry.value {
                for nestedEntry in nested {
                    let name = "\(entry.key).\(nestedEntry.key)"
                    Self.assign(name, nestedEntry.value, line: nestedEntry.line, path: path, table: table, into: &assignments, errors: &errors)
                }
            } else {
                Self.assign(entry.key, entry.value, line: entry.line, path: path, table: table, into: &assignments, errors: &errors)
            }
        }
        return (assignments, errors)
    }

    private static func assign(
        _ key: String,
        _ node: YAMLNode,
        line: Int,
        path: String,
        table: SettingsTable,
        into assignments: inout [ConfigurationAssignment],
        errors: inout [ConfigurationError]
    ) {
        let source = ConfigurationSource.file(path: path, line: line)
        guard let setting = table.setting(forKey: key) else {
            let suggestion =
                Setting.closest(to: key, among: table.settings.map(\.key)).map { "did you mean '\($0)'?" } ?? "see --print-config yaml for the keys"
            errors.append(ConfigurationError(.unknownOption, key: key, expected: suggestion, source: source))
            return
        }
        switch node {
        case .scalar(let text, let isNull, _):
            let value = isNull ? "" : text
            assignments.append(ConfigurationAssignment(setting: setting, values: setting.isList ? Self.splitList(value) : [value], source: source))
        case .sequence(let items, _) where setting.isList:
            var values: [String] = []
            for item in items {
                guard case .scalar(let text, _, _) = item else {
                    errors.append(ConfigurationError(.invalidValue, key: key, expected: "a list of plain values", source: source))
                    return
                }
                values.append(text)
            }
            assignments.append(ConfigurationAssignment(setting: setting, values: values, source: source))
        default:
            errors.append(
                ConfigurationError(
                    .invalidValue,
                    key: key,
                    value: node.summary,
                    expected: setting.isList ? "a value or a list" : "a single value",
                    source: source
                )
            )
        }
    }

    private static func splitList(_ value: String) -> [String] {
        value.isEmpty ? [] : [value]
    }
}

/// Reads small text files without Foundation.
enum FileContents {
    /// The UTF-8 text of the file at `path`.
    static func read(_ path: String) throws(FileReadError) -> String {
        guard let file = fopen(path, "rb") else { throw FileReadError(errno: errno) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count > 0 { bytes += chunk[..<count] }
            if count < chunk.count {
                if ferror(file) != 0 { throw FileReadError(errno: errno) }
                break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A file that could not be read, with the system's reason.
struct FileReadError: Error, CustomStringConvertible {
    let errno: Int32

    var description: String { String(cString: strerror(self.errno)) }
}
