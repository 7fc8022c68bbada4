import SwiftcornFormat

/// Recursive-descent parser for `--where`:
///
/// ```
/// expression := and ( ("or" | "||") and )*
/// and        := unary ( ("and" | "&&") unary )*
/// unary      := ("not" | "!") unary | "(" expression ")" | field [ comparison value ]
/// value      := number [unit] | "string" | 'string' | word
/// ```
struct FilterParser {
    /// The expression as given, for error messages.
    private let text: String
    /// Its tokens.
    private let tokens: [FilterToken]
    /// The next token's index.
    private var position = 0

    /// Tokenizes `text`.
    init(_ text: String) throws(FilterError) {
        self.text = text
        self.tokens = try FilterLexer.tokens(text)
    }

    /// Parses the whole input.
    mutating func parseAll() throws(FilterError) -> FilterExpression {
        let expression = try self.parseOr()
        let token = self.tokens[self.position]
        guard token.kind == .end else {
            throw self.error(.unexpectedToken, "expected 'and', 'or' or the end, found \(token.display)", token)
        }
        return expression
    }

    /// The current token.
    private var current: FilterToken { self.tokens[self.position] }

    /// An error at `token`'s column.
    private func error(_ code: FilterError.Code, _ message: String, _ token: FilterToken) -> FilterError {
        FilterError(code, message, expression: self.text, column: token.column)
    }

    /// `and ( or and )*`.
    private mutating func parseOr() throws(FilterError) -> FilterExpression {
        var left = try self.parseAnd()
        while self.current.kind == .bars || self.current.kind == .word("or") {
            self.position += 1
            left = .or(left, try self.parseAnd())
        }
        return left
    }

    /// `unary ( and unary )*`.
    private mutating func parseAnd() throws(FilterError) -> FilterExpression {
        var left = try self.parseUnary()
        while self.current.kind == .ampersands || self.current.kind == .word("and") {
            self.position += 1
            left = .and(left, try self.parseUnary())
        }
        return left
    }

    /// `not`, parentheses, or a comparison.
    private mutating func parseUnary() throws(FilterError) -> FilterExpression {
        let token = self.current
        switch token.kind {
        case .bang, .word("not"):
            self.position += 1
            return .not(try self.parseUnary())
        case .openParenthesis:
            self.position += 1
            let inner = try self.parseOr()
            guard self.current.kind == .closeParenthesis else {
                throw self.error(
                    .unexpectedToken,
                    "expected ')' to close the '(' at column \(token.column), found \(self.current.display)",
                    self.current
                )
            }
            self.position += 1
            return inner
        case .word(let name):
            self.position += 1
            guard let field = RecordField(name: name) else {
                let known = RecordField.allCases.map(\.key)
                let suggestion = known.min { Self.distance($0, name) < Self.distance($1, name) } ?? "status"
                throw self.error(.unknownField, "'\(name)' is not a record field (did you mean '\(suggestion)'?)", token)
            }
            guard case .comparison(let comparison) = self.current.kind else {
                return .exists(field)
            }
            let operatorToken = self.current
            self.position += 1
            return try self.parseValue(field: field, comparison: comparison, after: operatorToken)
        default:
            throw self.error(.unexpectedToken, "expected a field name, 'not' or '(', found \(token.display)", token)
        }
    }

    /// The value of a comparison, checked against the field's type.
    private mutating func parseValue(
        field: RecordField,
        comparison: FilterComparison,
        after operatorToken: FilterToken
    ) throws(FilterError) -> FilterExpression {
        let token = self.current
        let raw: String
        let quoted: Bool
        switch token.kind {
        case .word("and"), .word("or"), .word("not"):
            throw self.error(.unexpectedToken, "expected a value after '\(comparison.rawValue)', found \(token.display)", token)
        case .number(let value), .word(let value):
            raw = value
            quoted = false
        case .string(let value):
            raw = value
            quoted = true
        default:
            throw self.error(.unexpectedToken, "expected a value after '\(comparison.rawValue)', found \(token.display)", token)
        }
        self.position += 1
        if comparison == .matches || comparison == .notMatches {
            do {
                _ = try Regex(raw)
            } catch {
                throw self.error(.invalidRegex, "\(error)", token)
            }
            return .text(field, comparison, raw)
        }
        if field == .status, !quoted, raw.count == 3, raw.hasSuffix("xx"), let digit = raw.first?.wholeNumberValue {
            return .statusClass(comparison, digit)
        }
        if field == .ts {
            guard let micros = Timestamp.parse(raw) else {
                throw self.error(.invalidValue, "ts needs an RFC 3339 time such as \"2026-11-28T17:18:00Z\"", token)
            }
            return .number(field, comparison, Double(micros))
        }
        if field.isNumeric {
            guard let number = Self.number(raw, isDuration: field == .durationMilliseconds) else {
                throw self.error(.invalidValue, "\(field.key) is a number; '\(raw)' is not", token)
            }
            return .number(field, comparison, number)
        }
        return .text(field, comparison, raw)
    }

    /// A number, accepting `us`, `ms`, `s`, `m` units for durations (result in milliseconds).
    static func number(_ text: String, isDuration: Bool) -> Double? {
        if let value = Double(text) {
            return value
        }
        guard isDuration else { return nil }
        return DurationText.milliseconds(text)
    }

    /// Edit distance, for suggestions.
    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// A parsed `--where` expression.
package indirect enum FilterExpression: Sendable, Equatable {
    /// Both sides hold.
    case and(FilterExpression, FilterExpression)
    /// Either side holds.
    case or(FilterExpression, FilterExpression)
    /// The operand does not hold.
    case not(FilterExpression)
    /// The record has the field (a bare field name).
    case exists(RecordField)
    /// A numeric comparison; durations in milliseconds, `ts` in µs since the epoch.
    case number(RecordField, FilterComparison, Double)
    /// A status-class comparison, `status=5xx`.
    case statusClass(FilterComparison, Int)
    /// A string comparison, or a regex search for `~`/`!~`.
    case text(RecordField, FilterComparison, String)

    /// Parses `text`, throwing a ``FilterError`` that points at the offending column.
    package static func parse(_ text: String) throws(FilterError) -> FilterExpression {
        var parser = try FilterParser(text)
        return try parser.parseAll()
    }
}

/// A comparison operator of a `--where` expression.
package enum FilterComparison: String, Sendable, CaseIterable {
    /// Equal (`=` or `==`).
    case equal = "=="
    /// Not equal.
    case notEqual = "!="
    /// Less than.
    case less = "<"
    /// Less than or equal.
    case lessOrEqual = "<="
    /// Greater than.
    case greater = ">"
    /// Greater than or equal.
    case greaterOrEqual = ">="
    /// Regular-expression search.
    case matches = "~"
    /// Negated regular-expression search.
    case notMatches = "!~"

    /// Whether `ordering` (-1, 0, 1 for less, equal, greater) satisfies the operator.
    func holds(_ ordering: Int) -> Bool {
        switch self {
        case .equal: ordering == 0
        case .notEqual: ordering != 0
        case .less: ordering < 0
        case .lessOrEqual: ordering <= 0
        case .greater: ordering > 0
        case .greaterOrEqual: ordering >= 0
        case .matches, .notMatches: false
        }
    }
}

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
