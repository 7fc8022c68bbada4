/// A lexical token of a `--where` expression.
struct FilterToken: Sendable, Equatable {
    /// The token's kind and payload.
    enum Kind: Sendable, Equatable {
        /// A field name or bare word (`status`, `GET`, `and`).
        case word(String)
        /// A number, possibly with a duration unit (`250`, `1.5s`, `500ms`).
        case number(String)
        /// A quoted string, unescaped.
        case string(String)
        /// A comparison operator.
        case comparison(FilterComparison)
        /// `(`.
        case openParenthesis
        /// `)`.
        case closeParenthesis
        /// `!` (same as `not`).
        case bang
        /// `&&` (same as `and`).
        case ampersands
        /// `||` (same as `or`).
        case bars
        /// The end of the input.
        case end
    }

    /// The kind and payload.
    let kind: Kind
    /// 1-based column of the first character.
    let column: Int

    /// The token as the user would recognise it in an error message.
    var display: String {
        switch self.kind {
        case .word(let word): "'\(word)'"
        case .number(let number): "'\(number)'"
        case .string(let string): "\"\(string)\""
        case .comparison(let comparison): "'\(comparison.rawValue)'"
        case .openParenthesis: "'('"
        case .closeParenthesis: "')'"
        case .bang: "'!'"
        case .ampersands: "'&&'"
        case .bars: "'||'"
        case .end: "the end of the expression"
        }
    }
}
