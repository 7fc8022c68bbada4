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

/// Constructors for the kinds of value a setting holds.
extension Setting {
    /// A setting of one value: the last one given wins, parsed by `parse` and shown by `render`.
    /// A setting of one value of any type: `parse` reads the text (throwing what it expected),
    /// `render` shows the value; the kinds below are this with their parsers.
    static func single<Value>(
        _ key: String,
        _ flags: [String],
        valueHelp: String,
        _ help: String,
        isSwitch: Bool = false,
        _ keyPath: any WritableKeyPath<ServerConfiguration, Value> & Sendable,
        parse: @escaping @Sendable (String) throws(ConfigurationError) -> Value,
        render: @escaping @Sendable (Value) -> YAMLValue
    ) -> Setting {
        Setting(
            key: key,
            flags: flags,
            valueHelp: valueHelp,
            help: help,
            isList: false,
            isSwitch: isSwitch,
            apply: { values, configuration throws(ConfigurationError) in
                guard let value = values.last else {
                    throw ConfigurationError(.missingValue, key: key, expected: "a value")
                }
                configuration[keyPath: keyPath] = try parse(value)
            },
            render: { render($0[keyPath: keyPath]) }
        )
    }

    static func integer(
        _ key: String,
        _ flags: [String],
        _ range: ClosedRange<Int>,
        _ help: String,
        _ keyPath: any WritableKeyPath<ServerConfiguration, Int> & Sendable
    ) -> Setting {
        Self.single(key, flags, valueHelp: "N", help, keyPath) { text throws(ConfigurationError) in
            try ValueParsing.integer(text, key: key, in: range)
        } render: {
            .scalar(String($0))
        }
    }

    static func duration(
        _ key: String,
        _ flags: [String],
        _ help: String,
        allowsZero: Bool = true,
        _ keyPath: any WritableKeyPath<ServerConfiguration, Duration> & Sendable
    ) -> Setting {
        Self.single(key, flags, valueHelp: "DURATION", help, keyPath) { text throws(ConfigurationError) in
            try ValueParsing.duration(text, key: key, allowsZero: allowsZero)
        } render: {
            .scalar(ValueParsing.format($0))
        }
    }

    static func size(
        _ key: String,
        _ flags: [String],
        _ help: String,
        _ keyPath: any WritableKeyPath<ServerConfiguration, Int> & Sendable
    ) -> Setting {
        Self.single(key, flags, valueHelp: "SIZE", help, keyPath) { text throws(ConfigurationError) in
            try ValueParsing.size(text, key: key)
        } render: {
            .scalar(ValueParsing.format(size: $0))
        }
    }

    static func boolean(
        _ key: String,
        _ flags: [String],
        _ help: String,
        _ keyPath: any WritableKeyPath<ServerConfiguration, Bool> & Sendable
    ) -> Setting {
        Self.single(key, flags, valueHelp: "", help, isSwitch: true, keyPath) { text throws(ConfigurationError) in
            try ValueParsing.boolean(text, key: key)
        } render: {
            .scalar($0 ? "true" : "false")
        }
    }

    /// One of an enum's cases, by raw value; the cases are listed in `--help` and in the error.
    static func choice<Choice: RawRepresentable & CaseIterable & Sendable>(
        _ key: String,
        _ flags: [String],
        _ help: String,
        _ keyPath: any WritableKeyPath<ServerConfiguration, Choice> & Sendable
    ) -> Setting where Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue)
        return Self.single(key, flags, valueHelp: names.joined(separator: "|"), help, keyPath) { text throws(ConfigurationError) in
            guard let choice = Choice(rawValue: text.lowercased()) else {
                throw ConfigurationError(.invalidValue, key: key, value: text, expected: "one of " + names.joined(separator: ", "))
            }
            return choice
        } render: {
            .scalar($0.rawValue)
        }
    }

    static func text(
        _ key: String,
        _ flags: [String],
        _ valueHelp: String,
        _ help: String,
        _ keyPath: any WritableKeyPath<ServerConfiguration, String> & Sendable
    ) -> Setting {
        Self.single(key, flags, valueHelp: valueHelp, help, keyPath) { text throws(ConfigurationError) in
            guard !text.isEmpty else { throw ConfigurationError(.invalidValue, key: key, value: text, expected: "a non-empty \(valueHelp)") }
            return text
        } render: {
            .scalar($0)
        }
    }

    /// A text setting that `none` or an empty value unsets.
    static func optionalText(
        _ key: String,
        _ flags: [String],
        _ valueHelp: String,
        _ help: String,
        _ keyPath: any WritableKeyPath<ServerConfiguration, String?> & Sendable
    ) -> Setting {
        Self.single(key, flags, valueHelp: valueHelp, help, keyPath) { text in
            text.isEmpty || text == "none" ? nil : text
        } render: {
            $0.map { .scalar($0) } ?? .null
        }
    }

    static func list(
        _ key: String,
        _ flags: [String],
        _ valueHelp: String,
        _ help: String,
        validate: @escaping @Sendable (String) throws(ConfigurationError) -> Void = { _ in },
        _ keyPath: any WritableKeyPath<ServerConfiguration, [String]> & Sendable
    ) -> Setting {
        Setting(
            key: key,
            flags: flags,
            valueHelp: valueHelp,
            help: help,
            isList: true,
            isSwitch: false,
            apply: { values, configuration throws(ConfigurationError) in
                // `none` (or an empty value) empties the list, e.g. --access-logfile none.
                let values = values.filter { !$0.isEmpty && $0 != "none" }
                for value in values { try validate(value) }
                configuration[keyPath: keyPath] = values
            },
            render: { .list($0[keyPath: keyPath]) }
        )
    }
}
