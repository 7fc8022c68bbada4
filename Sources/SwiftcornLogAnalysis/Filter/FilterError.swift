/// A `--where` expression that cannot be parsed, with the column it went wrong at.
package struct FilterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of mistake.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case unexpectedCharacter
            case unterminatedString
            case unexpectedToken
            case unknownField
            case invalidValue
            case invalidRegex
        }
        private let base: Base

        /// A character that starts no token.
        package static let unexpectedCharacter = Code(base: .unexpectedCharacter)
        /// A quoted string without its closing quote.
        package static let unterminatedString = Code(base: .unterminatedString)
        /// A token where the grammar expects something else (or the end of the input).
        package static let unexpectedToken = Code(base: .unexpectedToken)
        /// A name that is not a field of the record schema.
        package static let unknownField = Code(base: .unknownField)
        /// A value of the wrong kind for its field, e.g. `status>"abc"`.
        package static let invalidValue = Code(base: .invalidValue)
        /// A regular expression that does not compile.
        package static let invalidRegex = Code(base: .invalidRegex)

        /// A short human-readable form, for logs and messages.
        package var description: String {
            switch self.base {
            case .unexpectedCharacter: "unexpected character"
            case .unterminatedString: "unterminated string"
            case .unexpectedToken: "unexpected token"
            case .unknownField: "unknown field"
            case .invalidValue: "invalid value"
            case .invalidRegex: "invalid regular expression"
            }
        }
    }

    /// The kind of mistake.
    package let code: Code
    /// What was wrong, in words.
    package let message: String
    /// The expression as given.
    package let expression: String
    /// 1-based column (in characters) where the problem starts.
    package let column: Int

    /// Creates an error at `column` of `expression`.
    package init(_ code: Code, _ message: String, expression: String, column: Int) {
        self.code = code
        self.message = message
        self.expression = expression
        self.column = column
    }

    /// The message, the expression and a caret under the column.
    package var description: String {
        let caret = String(repeating: " ", count: max(0, self.column - 1)) + "^"
        return "\(self.code) at column \(self.column): \(self.message)\n  \(self.expression)\n  \(caret)"
    }
}
