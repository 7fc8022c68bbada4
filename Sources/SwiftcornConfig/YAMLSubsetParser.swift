/// Reads the part of YAML a configuration file uses: block mappings and lists by indentation,
/// flow lists (`[a, "b"]`), plain, single- and double-quoted scalars, and comments.
///
/// What it does not read (anchors, aliases, tags, block scalars, flow mappings, a value over
/// several lines, several documents) is an error naming its line, never read another way:
/// a configuration that means something other than it appears to is worse than one refused.
/// Swiftcorn reads YAML itself so that the server links no Foundation (which a YAML library
/// brings): every worker the fork server forks is cheaper by what Foundation's images cost it.
struct YAMLSubsetParser {
    /// A line with content: its number, the spaces before it and the text after them, without
    /// a comment or trailing blanks.
    struct Line {
        let number: Int
        let indent: Int
        let text: Substring
    }

    private let lines: [Line]
    private var position = 0

    /// The document in `text`; `nil` when it holds no node (only comments, or nothing).
    static func parse(_ text: String) throws(YAMLSyntaxError) -> YAMLNode? {
        var parser = YAMLSubsetParser(lines: try Self.contentLines(of: text))
        guard let first = parser.lines.first else { return nil }
        if first.indent > 0 {
            throw YAMLSyntaxError(problem: "the document's first line is indented", line: first.number, column: 1)
        }
        let root = try parser.node(indent: 0)
        if parser.position < parser.lines.count {
            let line = parser.lines[parser.position]
            throw YAMLSyntaxError(problem: "this line's indentation matches no key above it", line: line.number, column: line.indent + 1)
        }
        return root
    }

    private init(lines: [Line]) {
        self.lines = lines
    }

    /// The block node whose first line is the current one, at `indent`.
    private mutating func node(indent: Int) throws(YAMLSyntaxError) -> YAMLNode {
        let line = self.lines[self.position]
        if Self.isListItem(line.text) {
            return try self.list(indent: indent)
        }
        if try Self.keyAndValue(line) != nil {
            return try self.mapping(indent: indent)
        }
        self.position += 1
        let value = try Self.inlineValue(line.text, line: line.number, column: line.indent + 1)
        try self.expectNoContinuation(of: line)
        return value
    }

    private mutating func mapping(indent: Int) throws(YAMLSyntaxError) -> YAMLNode {
        var entries: [YAMLEntry] = []
        var firstLines: [String: Int] = [:]
        let start = self.lines[self.position].number
        while self.position < self.lines.count, self.lines[self.position].indent == indent, !Self.isListItem(self.lines[self.position].text) {
            let line = self.lines[self.position]
            guard let (key, rest, restColumn) = try Self.keyAndValue(line) else {
                throw YAMLSyntaxError(problem: "expected 'key: value'", line: line.number, column: indent + 1)
            }
            if let first = firstLines[key] {
                throw YAMLSyntaxError(problem: "'\(key)' is set twice (first at line \(first))", line: line.number, column: indent + 1)
            }
            firstLines[key] = line.number
            self.position += 1
            let value: YAMLNode
            if !rest.isEmpty {
                value = try Self.inlineValue(rest, line: line.number, column: restColumn)
                try self.expectNoContinuation(of: line)
            } else if let next = self.currentLine, next.indent > indent {
                value = try self.node(indent: next.indent)
            } else if let next = self.currentLine, next.indent == indent, Self.isListItem(next.text) {
                // A list may sit at its key's own indentation.
                value = try self.list(indent: indent)
            } else {
                value = .scalar("", isNull: true, line: line.number)
            }
            entries.append(YAMLEntry(key: key, line: line.number, value: value))
        }
        return .mapping(entries, line: start)
    }

    private mutating func list(indent: Int) throws(YAMLSyntaxError) -> YAMLNode {
        var items: [YAMLNode] = []
        let start = self.lines[self.position].number
        while self.position < self.lines.count, self.lines[self.position].indent == indent, Self.isListItem(self.lines[self.position].text) {
            let line = self.lines[self.position]
            let rest = line.text.dropFirst().drop { $0 == " " }
            let restColumn = indent + 1 + line.text.count - rest.count
            self.position += 1
            if rest.isEmpty {
                if let next = self.currentLine, next.indent > indent {
                    items.append(try self.node(indent: next.indent))
                } else {
                    items.append(.scalar("", isNull: true, line: line.number))
                }
                continue
            }
            let isEntry = try Self.keyAndValue(Line(number: line.number, indent: restColumn - 1, text: rest)) != nil
            if Self.isListItem(rest) || isEntry {
                throw YAMLSyntaxError(problem: "a list item here must be a single value", line: line.number, column: restColumn)
            }
            items.append(try Self.inlineValue(rest, line: line.number, column: restColumn))
            try self.expectNoContinuation(of: line)
        }
        return .sequence(items, line: start)
    }

    private var currentLine: Line? {
        self.position < self.lines.count ? self.lines[self.position] : nil
    }

    /// A value written on `line` ends there: a more indented line after it would continue it.
    private func expectNoContinuation(of line: Line) throws(YAMLSyntaxError) {
        if let next = self.currentLine, next.indent > line.indent {
            throw YAMLSyntaxError(
                problem: "the value on line \(line.number) goes on here; write it on one line, quoted if need be",
                line: next.number,
                column: next.indent + 1
            )
        }
    }

    private static func isListItem(_ text: Substring) -> Bool {
        text == "-" || text.hasPrefix("- ")
    }
}

extension YAMLSubsetParser {
    /// The lines that hold content, comments and blanks removed; reads up to the end of the
    /// first document.
    static func contentLines(of text: String) throws(YAMLSyntaxError) -> [Line] {
        var lines: [Line] = []
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let body = line.drop { $0 == " " }
            let indent = line.count - body.count
            let content = Self.withoutComment(body)
            guard !content.isEmpty else { continue }
            if body.first == "\t" {
                throw YAMLSyntaxError(problem: "a tab indents this line; indent with spaces", line: number, column: indent + 1)
            }
            if indent == 0 && (content == "---" || content.hasPrefix("--- ")) {
                guard lines.isEmpty, content == "---" else {
                    throw YAMLSyntaxError(problem: "only one document is read; remove this '---'", line: number, column: 1)
                }
                continue
            }
            if indent == 0 && content == "..." { break }
            if indent == 0 && content.hasPrefix("%") {
                throw YAMLSyntaxError(problem: "directives ('%') are not read", line: number, column: 1)
            }
            lines.append(Line(number: number, indent: indent, text: content))
        }
        return lines
    }

    /// `text` up to a comment (`#` at its start or after a blank, outside quotes), trailing
    /// blanks removed.
    private static func withoutComment(_ text: Substring) -> Substring {
        var quote: Character?
        var previous: Character = " "
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == "\\" && open == "\"" {
                    index = text.index(after: index)
                    if index == text.endIndex { break }
                } else if character == open {
                    let next = text.index(after: index)
                    if open == "'" && next < text.endIndex && text[next] == "'" {
                        index = next  // '' is a quote inside single quotes
                    } else {
                        quote = nil
                    }
                }
            } else if character == "#" && (previous == " " || previous == "\t") {
                return text[..<index].droppingTrailingBlanks()
            } else if (character == "\"" || character == "'") && " \t[,:".contains(previous) {
                quote = character
            }
            previous = character
            index = text.index(after: index)
        }
        return text.droppingTrailingBlanks()
    }
}

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

/// A node of a YAML document as ``YAMLSubsetParser`` reads it, with the line it starts on.
indirect enum YAMLNode: Equatable {
    /// A scalar's text, without quotes or escapes; `isNull` for an empty value, `~` or `null`
    /// written plain.
    case scalar(String, isNull: Bool, line: Int)
    case sequence([YAMLNode], line: Int)
    /// Entries in the order of the document.
    case mapping([YAMLEntry], line: Int)

    /// How the node reads in a message.
    var summary: String {
        switch self {
        case .scalar(let text, _, _): text
        case .sequence(let items, _): "a list of \(items.count)"
        case .mapping(let entries, _): "a mapping of " + entries.map(\.key).joined(separator: ", ")
        }
    }

    /// The line the node starts on, 1-based.
    var line: Int {
        switch self {
        case .scalar(_, _, let line), .sequence(_, let line), .mapping(_, let line): line
        }
    }
}

/// A key of a YAML mapping and its value.
struct YAMLEntry: Equatable {
    let key: String
    /// The line of the key, 1-based.
    let line: Int
    let value: YAMLNode
}

/// Why a document is not YAML this parser reads.
struct YAMLSyntaxError: Error, Equatable, CustomStringConvertible {
    let problem: String
    /// 1-based position of the problem.
    let line: Int
    let column: Int

    var description: String {
        "\(self.problem) at line \(self.line), column \(self.column)"
    }
}
