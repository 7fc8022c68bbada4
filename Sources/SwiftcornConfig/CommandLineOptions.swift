/// The outcome of reading the command line: run a server, or print something and exit.
public enum CommandLineRequest: Sendable, Equatable {
    /// Run the server with this configuration.
    case run(ServerConfiguration)
    /// Print the usage text and exit 0.
    case help
    /// Print the version and exit 0.
    case version
}

/// Parses gunicorn-style flags into a ``ServerConfiguration``.
///
/// Every error is collected, so an operator sees all mistakes at once.
public struct CommandLineOptions: Sendable {
    /// Parses `arguments` (without the program name).
    public static func parse(_ arguments: [String]) throws(ConfigurationErrors) -> CommandLineRequest {
        var configuration = ServerConfiguration()
        var errors: [ConfigurationError] = []
        var explicitBinds: [BindAddress] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "-h" || argument == "--help" { return .help }
            if argument == "--version" { return .version }
            var name = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard let option = Option.named(name) else {
                let suggestion = Option.closest(to: name).map { "did you mean '\($0)'?" } ?? "see --help for the options"
                errors.append(ConfigurationError(.unknownOption, key: name, expected: suggestion))
                // Its value, if it has one, is not an option of its own.
                if inlineValue == nil, index < arguments.count, !arguments[index].hasPrefix("-") {
                    index += 1
                }
                continue
            }
            if option.isFlag {
                option.apply(nil, &configuration, &explicitBinds)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else if index < arguments.count {
                value = arguments[index]
                index += 1
            } else {
                errors.append(ConfigurationError(.missingValue, key: option.names[0], expected: option.valueHelp))
                continue
            }
            do {
                try option.parse(value, &configuration, &explicitBinds)
            } catch {
                errors.append(error)
            }
        }
        if !explicitBinds.isEmpty {
            configuration.binds = explicitBinds
        }
        if configuration.app == "static" && configuration.staticRoot == nil {
            errors.append(ConfigurationError(.missingValue, key: "--root", expected: "a directory for --app static"))
        }
        guard errors.isEmpty else { throw ConfigurationErrors(errors) }
        return .run(configuration)
    }

    /// Usage text listing every option.
    public static var usage: String {
        var text = "usage: swiftcorn [OPTIONS]\n\noptions:\n"
        for option in Option.all {
            let names = option.names.joined(separator: ", ")
            let left = option.isFlag ? names : "\(names) \(option.valueHelp)"
            text += "  " + left.padding(to: 38) + option.help + "\n"
        }
        text += "  " + "-h, --help".padding(to: 38) + "show this help\n"
        text += "  " + "--version".padding(to: 38) + "print the version\n"
        return text
    }
}

/// Several configuration errors, reported together.
public struct ConfigurationErrors: Error, Sendable, CustomStringConvertible {
    /// The errors, in the order they were found.
    public let errors: [ConfigurationError]

    /// Wraps `errors`.
    public init(_ errors: [ConfigurationError]) {
        self.errors = errors
    }

    public var description: String {
        self.errors.map { "error: \($0)" }.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        self.count >= width ? self + " " : self + String(repeating: " ", count: width - self.count)
    }
}
