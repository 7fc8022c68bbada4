/// Splits a `--where` expression into tokens, tracking 1-based character columns.
enum FilterLexer {
    /// The tokens of `text`, ending with `.end`.
    static func tokens(_ text: String) throws(FilterError) -> [FilterToken] {
        let characters = Array(text)
        var tokens: [FilterToken] = []
        var index = 0
        func error(_ code: FilterError.Code, _ message: String, _ at: Int) -> FilterError {
            FilterError(code, message, expression: text, column: at + 1)
        }
        while index < characters.count {
            let character = characters[index]
            let column = index + 1
            if character.isWhitespace {
                index += 1
                continue
            }
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case "(":
                tokens.append(FilterToken(kind: .openParenthesis, column: column))
                index += 1
            case ")":
                tokens.append(FilterToken(kind: .closeParenthesis, column: column))
                index += 1
            case "&" where next == "&":
                tokens.append(FilterToken(kind: .ampersands, column: column))
                index += 2
            case "|" where next == "|":
                tokens.append(FilterToken(kind: .bars, column: column))
                index += 2
            case "=":
                tokens.append(FilterToken(kind: .comparison(.equal), column: column))
                index += next == "=" ? 2 : 1
            case "!":
                if next == "=" || next == "~" {
                    tokens.append(FilterToken(kind: .comparison(next == "=" ? .notEqual : .notMatches), column: column))
                    index += 2
                } else {
                    tokens.append(FilterToken(kind: .bang, column: column))
                    index += 1
                }
            case "<", ">":
                let orEqual = next == "="
                let comparison: FilterComparison =
                    character == "<" ? (orEqual ? .lessOrEqual : .less) : (orEqual ? .greaterOrEqual : .greater)
                tokens.append(FilterToken(kind: .comparison(comparison), column: column))
                index += orEqual ? 2 : 1
            case "~":
                tokens.append(FilterToken(kind: .comparison(.matches), column: column))
                index += 1
            case "\"", "'":
                var value = ""
                var position = index + 1
                var closed = false
                while position < characters.count {
                    let current = characters[position]
                    if current == "\\", position + 1 < characters.count {
                        let escaped = characters[position + 1]
                        // Keep backslashes the regex engine needs (`\d`, `\.`); only quotes are unescaped.
                        if escaped != character {
                            value.append("\\")
                        }
                        value.append(escaped)
                        position += 2
                        continue
                    }
                    if current == character {
                        closed = true
                        break
                    }
                    value.append(current)
                    position += 1
                }
                guard closed else { throw error(.unterminatedString, "missing closing \(character)", index) }
                tokens.append(FilterToken(kind: .string(value), column: column))
                index = position + 1
            case "0"..."9", "-", ".":
                var position = index
                var value = ""
                while position < characters.count,
                    characters[position].isLetter || characters[position].isNumber || "._-".contains(characters[position])
                {
                    value.append(characters[position])
                    position += 1
                }
                tokens.append(FilterToken(kind: .number(value), column: column))
                index = position
            default:
                guard character.isLetter || character == "_" || character == "/" else {
                    throw error(.unexpectedCharacter, "'\(character)' cannot start a field, value or operator", index)
                }
                var position = index
                var value = ""
                while position < characters.count,
                    characters[position].isLetter || characters[position].isNumber || "_./:-".contains(characters[position])
                {
                    value.append(characters[position])
                    position += 1
                }
                tokens.append(FilterToken(kind: .word(value), column: column))
                index = position
            }
        }
        tokens.append(FilterToken(kind: .end, column: characters.count + 1))
        return tokens
    }
}

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
