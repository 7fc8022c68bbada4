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
