/// A setting an application adds to the server's table: read like Swiftcorn's own from the YAML
/// file, a `SWIFTCORN_<KEY>` variable or a flag, validated when the configuration loads (a bad
/// value stops the server with exit status 2, as any other), listed in `--help`,
/// `--print-config yaml` and `--check-config`, and handed to every worker.
///
/// ```swift
/// let greeting = AppSetting.text("greeting", flag: "--greeting", default: "hello", help: "what / answers")
/// let settings = SettingsTable(name: "hello", appSettings: [greeting])
/// Swiftcorn.main(settings: settings) { configuration in Hello(greeting: configuration[greeting]) }
/// ```
public struct AppSetting<Value: Sendable>: AppSettingDeclaration {
    /// The YAML key; a dot puts it in a section (`myapp.greeting`).
    public let key: String
    let flags: [String]
    let valueHelp: String
    let help: String
    let isSwitch: Bool
    let defaultValue: Value
    let parse: @Sendable (String) -> Value?
    let render: @Sendable (Value) -> String?

    /// A setting whose text `parse` reads (`nil`: invalid, reported with `valueHelp` as what was
    /// expected) and `render` writes back (`nil`: unset).
    public init(
        _ key: String,
        flag: String,
        valueHelp: String,
        default defaultValue: Value,
        help: String,
        parse: @escaping @Sendable (String) -> Value?,
        render: @escaping @Sendable (Value) -> String?
    ) {
        self.init(key, flags: [flag], valueHelp: valueHelp, isSwitch: false, default: defaultValue, help: help, parse: parse, render: render)
    }

    init(
        _ key: String,
        flags: [String],
        valueHelp: String,
        isSwitch: Bool,
        default defaultValue: Value,
        help: String,
        parse: @escaping @Sendable (String) -> Value?,
        render: @escaping @Sendable (Value) -> String?
    ) {
        self.key = key
        self.flags = flags
        self.valueHelp = valueHelp
        self.help = help
        self.isSwitch = isSwitch
        self.defaultValue = defaultValue
        self.parse = parse
        self.render = render
    }

    /// The row this setting adds to the table: its text is validated by `parse` and kept as
    /// `render` writes it, so a worker reads back exactly what the master validated.
    public var row: SettingRow {
        let key = self.key
        let parse = self.parse
        let render = self.render
        let valueHelp = self.valueHelp
        let defaultValue = self.defaultValue
        return SettingRow(
            Setting(
                key: key,
                flags: self.flags,
                valueHelp: valueHelp,
                help: self.help,
                isList: false,
                isSwitch: self.isSwitch,
                apply: { values, configuration throws(ConfigurationError) in
                    let text = values.last ?? ""
                    guard let value = parse(text) else {
                        throw ConfigurationError(.invalidValue, key: key, value: text, expected: valueHelp)
                    }
                    configuration.appValues[key] = render(value)
                },
                render: { configuration in
                    let text = configuration.appValues[key] ?? render(defaultValue)
                    return text.map { .scalar($0) } ?? .null
                }
            )
        )
    }
}

extension AppSetting where Value == String {
    /// Non-empty text.
    public static func text(_ key: String, flag: String, valueHelp: String = "TEXT", default defaultValue: String, help: String) -> Self {
        Self(key, flag: flag, valueHelp: valueHelp, default: defaultValue, help: help) {
            $0.isEmpty ? nil : $0
        } render: {
            $0
        }
    }
}

extension AppSetting where Value == String? {
    /// Text that `none` or an empty value unsets.
    public static func optionalText(_ key: String, flag: String, valueHelp: String = "TEXT", help: String) -> Self {
        Self(key, flag: flag, valueHelp: valueHelp, default: nil, help: help) {
            .some($0.isEmpty || $0 == "none" ? nil : $0)
        } render: {
            $0
        }
    }
}

extension AppSetting where Value == Bool {
    /// A switch: the flag alone means `true`; files and variables say `true` or `false`.
    public static func flag(_ key: String, flag: String, help: String) -> Self {
        Self(key, flags: [flag], valueHelp: "", isSwitch: true, default: false, help: help) { text in
            try? ValueParsing.boolean(text, key: key)
        } render: {
            $0 ? "true" : "false"
        }
    }
}

extension AppSetting where Value == Int {
    /// A whole number within `range`.
    public static func integer(_ key: String, flag: String, range: ClosedRange<Int>, default defaultValue: Int, help: String) -> Self {
        Self(key, flag: flag, valueHelp: "N in \(range.lowerBound)...\(range.upperBound)", default: defaultValue, help: help) { text in
            try? ValueParsing.integer(text, key: key, in: range)
        } render: {
            String($0)
        }
    }
}

extension AppSetting {
    /// One of an enum's cases, by raw value.
    public static func choice(_ key: String, flag: String, default defaultValue: Value, help: String) -> Self
    where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
        let names = Value.allCases.map(\.rawValue).joined(separator: "|")
        return Self(key, flag: flag, valueHelp: names, default: defaultValue, help: help) {
            Value(rawValue: $0.lowercased())
        } render: {
            $0.rawValue
        }
    }
}

/// A setting an app declares; ``AppSetting`` is the one kind.
public protocol AppSettingDeclaration: Sendable {
    /// The row it adds to the server's table.
    var row: SettingRow { get }
}

/// One row of the settings table, opaque to apps.
public struct SettingRow: Sendable {
    let setting: Setting

    init(_ setting: Setting) {
        self.setting = setting
    }
}

extension ServerConfiguration {
    /// The value of an app's setting: what the sources gave, or its default.
    public subscript<Value>(setting: AppSetting<Value>) -> Value {
        guard let text = self.appValues[setting.key] else { return setting.defaultValue }
        // Validated when it was applied; a text that no longer parses means the master and the
        // worker disagree on the setting, which cannot happen within one binary.
        return setting.parse(text) ?? setting.defaultValue
    }
}
