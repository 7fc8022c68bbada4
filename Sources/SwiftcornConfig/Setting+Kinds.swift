/// Constructors for the kinds of value a setting holds.
extension Setting {
    /// A setting of one value: the last one given wins, parsed by `parse` and shown by `render`.
    private static func single<Value>(
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
        _ keyPath: any WritableKeyPath<ServerConfiguration, Duration> & Sendable
    ) -> Setting {
        Self.single(key, flags, valueHelp: "DURATION", help, keyPath) { text throws(ConfigurationError) in
            try ValueParsing.duration(text, key: key)
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

    static func choice(
        _ key: String,
        _ flags: [String],
        _ choices: [String],
        _ help: String,
        _ keyPath: any WritableKeyPath<ServerConfiguration, String> & Sendable
    ) -> Setting {
        Self.single(key, flags, valueHelp: choices.joined(separator: "|"), help, keyPath) { text throws(ConfigurationError) in
            guard choices.contains(text) else {
                throw ConfigurationError(.invalidValue, key: key, value: text, expected: "one of " + choices.joined(separator: ", "))
            }
            return text
        } render: {
            .scalar($0)
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
