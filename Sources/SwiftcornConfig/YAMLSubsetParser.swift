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
