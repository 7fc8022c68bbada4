/// Constructors for the kinds of value a setting holds.
extension Setting {
    private static func single(_ values: [String], key: String) throws(ConfigurationError) -> String {
        guard let value = values.last else {
            throw ConfigurationError(.missingValue, key: key, expected: "a value")
        }
        return value
    }

    static func integer(
        _ key: String,
        _ flags: [String],
        _ range: ClosedRange<Int>,
        _ help: String,
        pending: String? = nil,
        _ keyPath: any WritableKeyPath<ServerConfiguration, Int> & Sendable
    ) -> Setting {
        Setting(
            key: key,
            flags: flags,
            valueHelp: "N",
            help: help,
            isList: false,
            isSwitch: false,
            pendingWork: pending,
            apply: { values, configuration throws(ConfigurationError) in
                configuration[keyPath: keyPath] = try ValueParsing.integer(Self.single(values, key: key), key: key, in: range)
            },
            render: { .scalar(String($0[keyPath: keyPath])) }
        )
    }

    static func duration(
        _ key: String,
        _ flags: [String],
        _ help: String,
        pending: String? = nil,
        _ keyPath: any WritableKeyPath<ServerConfiguration, Duration> & Sendable
    ) -> Setting {
        Setting(
            key: key,
            flags: flags,
            valueHelp: "DURATION",
            help: help,
            isList: false,
            isSwitch: false,
            pendingWork: pending,
            apply: { values, configuration throws(ConfigurationError) in
                configuration[keyPath: keyPath] = try ValueParsing.duration(Self.single(values, key: key), key: key)
            },
            render: { .scalar(ValueParsing.format($0[keyPath: keyPath])) }
        )
    }

    static func size(
        _ key: String,
        _ flags: [String],
        _ help: String,
        pending: String? = nil,
        _ keyPath: any WritableKeyPath<ServerConfiguration, Int> & Sendable
    ) -> Setting {
        Setting(
            key: key,
            flags: flags,
            valueHelp: "SIZE",
            help: help,
            isList: false,
            isSwitch: false,
            pendingWork: pending,
            apply: { values, configuration throws(ConfigurationError) in
                configuration[keyPath: keyPath] = try ValueParsing.size(Self.single(values, key: key), key: key)
            },
            render: { .scalar(ValueParsing.format(size: $0[keyPath: keyPath])) }
        )
    }

    static func boolean(
        _ key: String,
        _ flags: [String],
        _ help: String,
        pending: String? = nil,
        _ keyPath: any WritableKeyPath<ServerConfiguration, Bool> & Sendable
    ) -> Setting {
        Setting(
            key: key,
            flags: flags,
            valueHelp: "",
            help: help,
            isList: false,
            isSwitch: true,
            pendingWork: pending,
            apply: { values, configuration throws(ConfigurationError) in
                configuration[keyPath: keyPath] = try ValueParsing.boolean(Self.single(values, key: key), key: key)
            },
            render: { .scalar($0[keyPath: keyPath] ? "true" : "false") }
        )
    }

    static func choice(
        _ key: String,
        _ flags: [String],
        _ choices: [String],
        _ help: String,
        pending: String? = nil,
        _ keyPath: any WritableKeyPath<ServerConfiguration, String> & Sendable
    ) -> Setting {
        Setting(
            key: key,
            flags: flags,
            valueHelp: choices.joined(separator: "|"),
            help: help,
            isList: false,
            isSwitch: false,
            pendingWork: pending,
            apply: { values, configuration throws(ConfigurationError) in
                let value = try Self.single(values, key: key)
                guard choices.contains(value) else {
                    throw ConfigurationError(.invalidValue, key: key, value: value, expected: "one of " + choices.joined(separator: ", "))
                }
                configuration[keyPath: keyPath] = value
            },
            render: { .scalar($0[keyPath: keyPath]) }
        )
    }

    static func text(
        _ key: String,
        _ flags: [String],
        _ valueHelp: String,
        _ help: String,
        pending: String? = nil,
        _ keyPath: any WritableKeyPath<ServerConfiguration, String> & Sendable
    ) -> Setting {
        Setting(
            key: key,
            flags: flags,
            valueHelp: valueHelp,
            help: help,
            isList: false,
            isSwitch: false,
            pendingWork: pending,
            apply: { values, configuration throws(ConfigurationError) in
                let value = try Self.single(values, key: key)
                guard !value.isEmpty else { throw ConfigurationError(.invalidValue, key: key, value: value, expected: "a non-empty \(valueHelp)") }
                configuration[keyPath: keyPath] = value
            },
            render: { .scalar($0[keyPath: keyPath]) }
        )
    }

    static func optionalText(
        _ key: String,
        _ flags: [String],
        _ valueHelp: String,
        _ help: String,
        pending: String? = nil,
        _ keyPath: any WritableKeyPath<ServerConfiguration, String?> & Sendable
    ) -> Setting {
        Setting(
            key: key,
            flags: flags,
            valueHelp: valueHelp,
            help: help,
            isList: false,
            isSwitch: false,
            pendingWork: pending,
            apply: { values, configuration throws(ConfigurationError) in
                let value = try Self.single(values, key: key)
                configuration[keyPath: keyPath] = value.isEmpty || value == "none" ? nil : value
            },
            render: { $0[keyPath: keyPath].map { .scalar($0) } ?? .null }
        )
    }

    static func list(
        _ key: String,
        _ flags: [String],
        _ valueHelp: String,
        _ help: String,
        pending: String? = nil,
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
            pendingWork: pending,
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
