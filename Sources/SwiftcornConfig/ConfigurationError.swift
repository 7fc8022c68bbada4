/// A configuration value that cannot be used, with what would have been valid.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of mistake.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case unknownOption
            case missingValue
            case invalidValue
        }
        private let base: Base

        /// An option that Swiftcorn does not know.
        public static let unknownOption = Code(base: .unknownOption)
        /// An option given without its value.
        public static let missingValue = Code(base: .missingValue)
        /// A value of the wrong form or out of range.
        public static let invalidValue = Code(base: .invalidValue)

        public var description: String {
            switch self.base {
            case .unknownOption: "unknown option"
            case .missingValue: "missing value"
            case .invalidValue: "invalid value"
            }
        }
    }

    /// The kind of mistake.
    public let code: Code
    /// The configuration key, e.g. `workers`.
    public let key: String
    /// The value as given, when there was one.
    public let value: String?
    /// What a valid value looks like, or a suggestion.
    public let expected: String

    /// Creates an error for `key`.
    public init(_ code: Code, key: String, value: String? = nil, expected: String) {
        self.code = code
        self.key = key
        self.value = value
        self.expected = expected
    }

    public var description: String {
        if self.code == .unknownOption {
            return "unknown option '\(self.key)': \(self.expected)"
        }
        var text = "\(self.code) for '\(self.key)'"
        if let value = self.value {
            text += ": '\(value)'"
        }
        return text + " (expected \(self.expected))"
    }
}
