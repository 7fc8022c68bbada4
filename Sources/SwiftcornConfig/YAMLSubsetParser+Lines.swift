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
