/// A configuration value that cannot be used, with where it came from and what would be valid.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of mistake.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case unknownOption
            case missingValue
            case invalidValue
            case unreadableFile
        }
        private let base: Base

        /// A key, variable or flag that Swiftcorn does not know.
        public static let unknownOption = Code(base: .unknownOption)
        /// An option given without its value.
        public static let missingValue = Code(base: .missingValue)
        /// A value of the wrong form or out of range.
        public static let invalidValue = Code(base: .invalidValue)
        /// A configuration file that cannot be read or parsed.
        public static let unreadableFile = Code(base: .unreadableFile)

        /// A short human-readable form, for logs and messages.
        public var description: String {
            switch self.base {
            case .unknownOption: "unknown option"
            case .missingValue: "missing value"
            case .invalidValue: "invalid value"
            case .unreadableFile: "unreadable configuration file"
            }
        }
    }

    /// The kind of mistake.
    public let code: Code
    /// The configuration key, e.g. `workers`, or the unknown name as given.
    public let key: String
    /// The value as given, when there was one.
    public let value: String?
    /// What a valid value looks like, or a suggestion.
    public let expected: String
    /// Where the value came from, when known.
    public var source: ConfigurationSource?

    /// Creates an error for `key`.
    public init(_ code: Code, key: String, value: String? = nil, expected: String, source: ConfigurationSource? = nil) {
        self.code = code
        self.key = key
        self.value = value
        self.expected = expected
        self.source = source
    }

    /// A short human-readable form, for logs and messages.
    public var description: String {
        let origin = self.source.map { "\($0): " } ?? ""
        switch self.code {
        case .unknownOption:
            return "\(origin)unknown option '\(self.key)': \(self.expected)"
        case .unreadableFile:
            return "\(origin)cannot read configuration file '\(self.key)': \(self.expected)"
        default:
            var text = "\(origin)\(self.code) for '\(self.key)'"
            if let value = self.value {
                text += ": '\(value)'"
            }
            return text + " (expected \(self.expected))"
        }
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

    /// A short human-readable form, for logs and messages.
    public var description: String {
        self.errors.map { "error: \($0)" }.joined(separator: "\n")
    }
}

/// Where a configuration value came from, for error messages and `--check-config`.
public enum ConfigurationSource: Sendable, Hashable, CustomStringConvertible {
    /// Swiftcorn's built-in default.
    case defaultValue
    /// A YAML file, at a line.
    case file(path: String, line: Int)
    /// An environment variable.
    case environment(variable: String)
    /// A command-line flag.
    case flag(name: String)

    /// Ranks sources by precedence: a higher one overrides a lower one.
    var precedence: Int {
        switch self {
        case .defaultValue: 0
        case .file: 1
        case .environment: 2
        case .flag: 3
        }
    }

    /// A short human-readable form, for logs and messages.
    public var description: String {
        switch self {
        case .defaultValue: "default"
        case .file(let path, let line): "file \(path):\(line)"
        case .environment(let variable): "env \(variable)"
        case .flag(let name): "flag \(name)"
        }
    }
}
