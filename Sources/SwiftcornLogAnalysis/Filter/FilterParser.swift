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
