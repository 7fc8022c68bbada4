import Yams

/// Reads a YAML configuration file into assignments, keeping each value's line for messages.
///
/// Yams is used directly, below swift-configuration, because a mistake must be reported with
/// its line and every unknown key must be found: swift-configuration's readers answer for keys
/// they are asked about, and its YAML snapshot keeps no positions.
enum YAMLConfigurationFile {
    /// The assignments in the file at `path`, and the mistakes found in it.
    static func read(path: String) -> (assignments: [ConfigurationAssignment], errors: [ConfigurationError]) {
        let text: String
        do {
            text = try FileContents.read(path)
        } catch {
            return ([], [ConfigurationError(.unreadableFile, key: path, expected: "\(error)")])
        }
        return Self.parse(text, path: path)
    }

    /// The assignments in `text`, read as the file `path`.
    static func parse(_ text: String, path: String) -> (assignments: [ConfigurationAssignment], errors: [ConfigurationError]) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            return ([], [ConfigurationError(.unreadableFile, key: path, expected: "not valid YAML: \(Self.describe(error))")])
        } catch {
            return ([], [ConfigurationError(.unreadableFile, key: path, expected: "not valid YAML: \(error)")])
        }
        guard let root, root.null == nil else { return ([], []) }
        guard let mapping = root.mapping else {
            let source = ConfigurationSource.file(path: path, line: root.mark?.line ?? 1)
            return ([], [ConfigurationError(.invalidValue, key: "(document)", expected: "a mapping of settings, key: value", source: source)])
        }
        var assignments: [ConfigurationAssignment] = []
        var errors: [ConfigurationError] = []
        let sections = Set(Setting.all.compactMap(\.section))
        for (keyNode, valueNode) in mapping {
            let key = keyNode.string ?? "\(keyNode)"
            let line = keyNode.mark?.line ?? 0
            if sections.contains(key), let nested = valueNode.mapping {
                for (nestedKey, nestedValue) in nested {
                    let name = "\(key).\(nestedKey.string ?? "\(nestedKey)")"
                    Self.assign(name, nestedValue, line: nestedKey.mark?.line ?? line, path: path, into: &assignments, errors: &errors)
                }
            } else {
                Self.assign(key, valueNode, line: line, path: path, into: &assignments, errors: &errors)
            }
        }
        return (assignments, errors)
    }

    private static func assign(
        _ key: String,
        _ node: Node,
        line: Int,
        path: String,
        into assignments: inout [ConfigurationAssignment],
        errors: inout [ConfigurationError]
    ) {
        let source = ConfigurationSource.file(path: path, line: line)
        guard let setting = Setting.forKey(key) else {
            let suggestion =
                Setting.closest(to: key, among: Setting.all.map(\.key)).map { "did you mean '\($0)'?" } ?? "see --print-config yaml for the keys"
            errors.append(ConfigurationError(.unknownOption, key: key, expected: suggestion, source: source))
            return
        }
        switch node {
        case .scalar(let scalar):
            let value = node.null != nil ? "" : scalar.string
            assignments.append(ConfigurationAssignment(setting: setting, values: setting.isList ? Self.splitList(value) : [value], source: source))
        case .sequence(let sequence) where setting.isList:
            var values: [String] = []
            for item in sequence {
                guard let text = item.string else {
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
                    value: "\(node)",
                    expected: setting.isList ? "a value or a list" : "a single value",
                    source: source
                )
            )
        }
    }

    private static func splitList(_ value: String) -> [String] {
        value.isEmpty ? [] : [value]
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            "\(problem) at line \(mark.line), column \(mark.column)"
        default:
            "\(error)"
        }
    }
}
