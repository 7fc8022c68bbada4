/// One configuration setting: its YAML key, flags and environment variable, how a value is
/// parsed into the configuration and how the configuration's value is shown.
struct Setting: Sendable {
    typealias Apply = @Sendable ([String], inout ServerConfiguration) throws(ConfigurationError) -> Void
    typealias Render = @Sendable (ServerConfiguration) -> YAMLValue

    /// The YAML key; a dot separates a section from its key (`metrics.bind`).
    let key: String
    /// Command-line flags, short first.
    let flags: [String]
    /// What the value looks like, for `--help`.
    let valueHelp: String
    /// One line of help.
    let help: String
    /// Takes several values: repeated flags add up, environment values are comma-separated.
    let isList: Bool
    /// A flag that takes no value and means `true`.
    let isSwitch: Bool
    let apply: Apply
    let render: Render

    /// `SWIFTCORN_` and the key in upper case, dots as underscores: `SWIFTCORN_METRICS_BIND`.
    var environmentVariable: String {
        "SWIFTCORN_" + String(self.key.uppercased().map { $0 == "." ? "_" : $0 })
    }

    /// The section of a dotted key, e.g. `metrics`.
    var section: String? {
        self.key.firstIndex(of: ".").map { String(self.key[..<$0]) }
    }

    /// The key without its section.
    var leafKey: String {
        self.key.firstIndex(of: ".").map { String(self.key[self.key.index(after: $0)...]) } ?? self.key
    }
}

/// A value as `--print-config yaml` and `--check-config` show it.
enum YAMLValue: Sendable, Equatable {
    case scalar(String)
    case list([String])
    case null

    /// YAML text: plain scalars where YAML reads them back as the same string, quoted otherwise.
    var yaml: String {
        switch self {
        case .scalar(let text): Self.quoted(text)
        case .list(let items): "[" + items.map(Self.quoted).joined(separator: ", ") + "]"
        case .null: "null"
        }
    }

    static func quoted(_ text: String) -> String {
        let plain =
            !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || "._/-".contains($0) }
            && !["null", "true", "false", "yes", "no", "on", "off", "~"].contains(text.lowercased())
        if plain { return text }
        var escaped = "\""
        for character in text {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            default: escaped.append(character)
            }
        }
        return escaped + "\""
    }
}
