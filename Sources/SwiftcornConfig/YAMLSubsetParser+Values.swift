extension YAMLSubsetParser {
    /// The key of a `key: value` line, the value's text and its column; `nil` when the line is
    /// not a mapping entry.
    static func keyAndValue(_ line: Line) throws(YAMLSyntaxError) -> (key: String, rest: Substring, restColumn: Int)? {
        let text = line.text
        let keyEnd: Substring.Index
        let key: String
        if text.first == "\"" || text.first == "'" {
            let column = line.indent + 1
            let (quoted, end) = try Self.quoted(text, line: line.number, column: column)
            guard end < text.endIndex, text[end] == ":" else { return nil }
            key = quoted
            keyEnd = end
        } else {
            guard text.first != "[", text.first != "{", let colon = Self.mappingColon(in: text) else { return nil }
            key = String(text[..<colon].droppingTrailingBlanks())
            keyEnd = colon
        }
        let afterColon = text.index(after: keyEnd)
        guard afterColon == text.endIndex || text[afterColon] == " " else { return nil }
        let rest = text[afterColon...].drop { $0 == " " }
        return (key, rest, line.indent + 1 + text.distance(from: text.startIndex, to: rest.startIndex))
    }

    /// The first `:` followed by a blank or the end: where a plain key ends.
    private static func mappingColon(in text: Substring) -> Substring.Index? {
        var index = text.startIndex
        while let colon = text[index...].firstIndex(of: ":") {
            let next = text.index(after: colon)
            if next == text.endIndex || text[next] == " " {
                return colon > text.startIndex ? colon : nil
            }
            index = next
        }
        return nil
    }

    /// A value written on one line: a flow list, a quoted scalar or a plain one.
    static func inlineValue(_ text: Substring, line: Int, column: Int) throws(YAMLSyntaxError) -> YAMLNode {
        func refuse(_ problem: String) -> YAMLSyntaxError {
            YAMLSyntaxError(problem: problem, line: line, column: column)
        }
        switch text.first {
        case "[":
            return try Self.flowList(text, line: line, column: column)
        case "{":
            throw refuse("flow mappings ('{...}') are not read; write the keys on lines of their own")
        case "&", "*":
            throw refuse("anchors and aliases ('&', '*') are not read; write the value out")
        case "!":
            throw refuse("tags ('!') are not read; write the value without one")
        case "|", ">":
            throw refuse("block scalars ('|', '>') are not read; write the value on one line, quoted if need be")
        case "@", "`":
            throw refuse("a plain value cannot start with '\(text.first!)'; quote it")
        case "\"", "'":
            let (value, end) = try Self.quoted(text, line: line, column: column)
            guard end == text.endIndex else {
                throw YAMLSyntaxError(
                    problem: "unexpected text after the quoted value",
                    line: line,
                    column: column + text.distance(from: text.startIndex, to: end)
                )
            }
            return .scalar(value, isNull: false, line: line)
        default:
            if Self.mappingColon(in: text) != nil {
                throw refuse("a value cannot hold ': '; quote it")
            }
            return .scalar(String(text), isNull: ["", "~", "null", "Null", "NULL"].contains(text), line: line)
        }
    }

    /// `[a, "b", c]`: plain or quoted items, on one line.
    private static func flowList(_ text: Substring, line: Int, column: Int) throws(YAMLSyntaxError) -> YAMLNode {
        var items: [YAMLNode] = []
        var index = text.index(after: text.startIndex)
        func columnOf(_ index: Substring.Index) -> Int { column + text.distance(from: text.startIndex, to: index) }
        func skipBlanks() { while index < text.endIndex, text[index] == " " { index = text.index(after: index) } }
        while true {
            skipBlanks()
            guard index < text.endIndex else {
                throw YAMLSyntaxError(problem: "the list opened here with '[' is not closed on its line", line: line, column: column)
            }
            if text[index] == "]" { break }
            switch text[index] {
            case "\"", "'":
                let (value, end) = try Self.quoted(text[index...], line: line, column: columnOf(index))
                items.append(.scalar(value, isNull: false, line: line))
                index = end
            case "[", "{":
                throw YAMLSyntaxError(problem: "nested lists and mappings are not read", line: line, column: columnOf(index))
            default:
                let end = text[index...].firstIndex { $0 == "," || $0 == "]" } ?? text.endIndex
                let item = text[index..<end].droppingTrailingBlanks()
                guard !item.isEmpty else {
                    throw YAMLSyntaxError(problem: "an empty list item", line: line, column: columnOf(index))
                }
                items.append(try Self.inlineValue(item, line: line, column: columnOf(index)))
                index = end
            }
            skipBlanks()
            guard index < text.endIndex else { continue }
            if text[index] == "," {
                index = text.index(after: index)
            } else if text[index] != "]" {
                throw YAMLSyntaxError(problem: "expected ',' or ']' in the list", line: line, column: columnOf(index))
            }
        }
        let end = text.index(after: index)
        guard end == text.endIndex else {
            throw YAMLSyntaxError(problem: "unexpected text after the list", line: line, column: columnOf(end))
        }
        return .sequence(items, line: line)
    }
}
