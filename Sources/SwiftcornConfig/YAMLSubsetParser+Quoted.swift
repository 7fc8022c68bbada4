extension YAMLSubsetParser {
    /// The quoted scalar at the start of `text` (`'…'`, with `''` for a quote, or `"…"`, with
    /// backslash escapes), and the index after its closing quote.
    static func quoted(_ text: Substring, line: Int, column: Int) throws(YAMLSyntaxError) -> (String, Substring.Index) {
        let open = text[text.startIndex]
        var value = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            if character == open {
                guard open == "'", index < text.endIndex, text[index] == "'" else { return (value, index) }
                value.append("'")
                index = text.index(after: index)
            } else if character == "\\" && open == "\"" {
                guard index < text.endIndex else { break }
                let escapeColumn = column + text.distance(from: text.startIndex, to: index) - 1
                value.unicodeScalars.append(try Self.escape(in: text, at: &index, line: line, column: escapeColumn))
            } else {
                value.append(character)
            }
        }
        throw YAMLSyntaxError(problem: "the quoted value opened here is not closed on its line", line: line, column: column)
    }

    /// The character a double-quoted escape stands for; `index` is just after the backslash.
    private static func escape(
        in text: Substring,
        at index: inout Substring.Index,
        line: Int,
        column: Int
    ) throws(YAMLSyntaxError) -> Unicode.Scalar {
        let letter = text[index]
        index = text.index(after: index)
        switch letter {
        case "\\": return "\\"
        case "\"": return "\""
        case "/": return "/"
        case " ": return " "
        case "0": return "\0"
        case "t": return "\t"
        case "n": return "\n"
        case "r": return "\r"
        case "x", "u", "U":
            let digits = letter == "x" ? 2 : letter == "u" ? 4 : 8
            let end = text.index(index, offsetBy: digits, limitedBy: text.endIndex) ?? text.endIndex
            guard text.distance(from: index, to: end) == digits, let code = UInt32(text[index..<end], radix: 16), let scalar = Unicode.Scalar(code)
            else {
                throw YAMLSyntaxError(problem: "'\\\(letter)' needs \(digits) hexadecimal digits of a character", line: line, column: column)
            }
            index = end
            return scalar
        default:
            throw YAMLSyntaxError(problem: "unknown escape '\\\(letter)'", line: line, column: column)
        }
    }
}
