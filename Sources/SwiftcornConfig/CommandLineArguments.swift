/// What the command line asks for, besides settings.
struct CommandLineArguments: Sendable {
    var assignments: [ConfigurationAssignment] = []
    var errors: [ConfigurationError] = []
    var configFile: String?
    var help = false
    var version = false
    var checkConfig = false
    var printConfig: String?

    /// Reads gunicorn-style flags: `--name value`, `--name=value`, `-x value`; repeated list flags add up.
    init(_ arguments: [String], table: SettingsTable) {
        var errors: [ConfigurationError] = []
        var assignments: [ConfigurationAssignment] = []
        defer {
            self.errors = errors
            self.assignments = assignments
        }
        var index = 0
        var listIndex: [String: Int] = [:]
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            var name = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            func takeValue() -> String? {
                if let inlineValue { return inlineValue }
                guard index < arguments.count else {
                    errors.append(ConfigurationError(.missingValue, key: name, expected: "a value after \(name)", source: .flag(name: name)))
                    return nil
                }
                index += 1
                return arguments[index - 1]
            }
            switch name {
            case "-h", "--help":
                self.help = true
                continue
            case "--version":
                self.version = true
                continue
            case "--check-config":
                self.checkConfig = true
                continue
            case "-c", "--config":
                self.configFile = takeValue()
                continue
            case "--print-config":
                self.printConfig = takeValue()
                continue
            default:
                break
            }
            guard name.hasPrefix("-") else {
                errors.append(
                    ConfigurationError(
                        .unknownOption,
                        key: name,
                        expected: "\(table.name) takes no positional arguments; see --help",
                        source: .flag(name: name)
                    )
                )
                continue
            }
            guard let setting = table.setting(forFlag: name) else {
                let flags = table.settings.flatMap(\.flags).filter { $0.hasPrefix("--") } + ["--config", "--check-config", "--print-config"]
                let suggestion = Setting.closest(to: name, among: flags).map { "did you mean '\($0)'?" } ?? "see --help for the options"
                errors.append(ConfigurationError(.unknownOption, key: name, expected: suggestion, source: .flag(name: name)))
                // Its value, if it has one, is not an option of its own.
                if inlineValue == nil, index < arguments.count, !arguments[index].hasPrefix("-") {
                    index += 1
                }
                continue
            }
            let value: String
            if setting.isSwitch {
                value = inlineValue ?? "true"
            } else {
                guard let taken = takeValue() else { continue }
                value = taken
            }
            if setting.isList, let existing = listIndex[setting.key] {
                assignments[existing].values.append(value)
            } else {
                listIndex[setting.key] = assignments.count
                assignments.append(ConfigurationAssignment(setting: setting, values: [value], source: .flag(name: name)))
            }
        }
    }

    /// Usage text listing every option.
    static func usage(_ table: SettingsTable) -> String {
        var text = "usage: \(table.name) [OPTIONS]\n\noptions (each also a YAML key and a SWIFTCORN_<KEY> variable):\n"
        let meta: [(String, String)] = [
            ("-c, --config FILE", "read settings from a YAML file"),
            ("--check-config", "validate, print the resolved settings with their sources, exit"),
            ("--print-config yaml", "print a complete commented configuration file, exit"),
            ("-h, --help", "show this help"),
            ("--version", "print the version"),
        ]
        for setting in table.settings {
            let names = setting.flags.joined(separator: ", ")
            let left = setting.isSwitch ? names : "\(names) \(setting.valueHelp)"
            text += "  " + left.padded(to: 40) + setting.help + "\n"
        }
        for (left, help) in meta {
            text += "  " + left.padded(to: 40) + help + "\n"
        }
        return text
    }
}

extension String {
    fileprivate func padded(to width: Int) -> String {
        self.count >= width ? self + " " : self + String(repeating: " ", count: width - self.count)
    }
}
