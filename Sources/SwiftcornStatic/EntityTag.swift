/// The entity tag of a served file, derived from its modification time and size.
///
/// `"<hex mtime in ns>-<hex size>"`, as nginx does (with seconds there). It is sent as a strong
/// validator so `If-Range` can use it: the bytes of a file cannot change without its size or its
/// nanosecond modification time changing, short of someone resetting the mtime on purpose.
/// Nothing about the path or inode goes in, so every worker and every replica of the same
/// deployment agree on the tag.
struct EntityTag: Hashable, Sendable {
    /// The opaque tag without quotes.
    let opaque: String

    /// Creates the tag of a file of `size` bytes last modified at `modificationSeconds` + `modificationNanoseconds`.
    init(size: Int, modificationSeconds: Int64, modificationNanoseconds: Int64) {
        // Wrapping arithmetic and bit patterns: a pre-1970 or absurd mtime must still give a tag, not a trap.
        let nanoseconds = modificationSeconds &* 1_000_000_000 &+ modificationNanoseconds
        self.opaque = String(UInt64(bitPattern: nanoseconds), radix: 16) + "-" + String(UInt64(bitPattern: Int64(size)), radix: 16)
    }

    /// Creates a tag with the given opaque part.
    init(opaque: String) {
        self.opaque = opaque
    }

    /// The `ETag` field value: the opaque part in double quotes.
    var headerValue: String {
        "\"" + self.opaque + "\""
    }

    /// Whether an `If-None-Match` value matches this tag by weak comparison (RFC 9110 §13.1.2).
    ///
    /// `*` matches (the file exists). A `W/` prefix is ignored, since weak comparison only looks at
    /// the opaque part. A malformed list matches nothing from the point where it breaks.
    func matchesWeakly(ifNoneMatch fieldValue: Substring) -> Bool {
        if fieldValue.trimmingHTTPWhitespace() == "*" { return true }
        return Self.parseList(fieldValue).contains { $0.opaque == self.opaque }
    }

    /// Whether an `If-Range` entity-tag matches this tag by strong comparison (RFC 9110 §13.1.5).
    ///
    /// A weak tag never matches strongly.
    func matchesStrongly(ifRange fieldValue: Substring) -> Bool {
        let tags = Self.parseList(fieldValue)
        return tags.count == 1 && !tags[0].isWeak && tags[0].opaque == self.opaque
    }

    /// Parses a comma-separated list of entity tags, stopping at the first malformed element.
    ///
    /// Parsed by hand rather than split on commas because an opaque tag may itself contain commas.
    static func parseList(_ text: Substring) -> [(opaque: Substring, isWeak: Bool)] {
        var tags: [(opaque: Substring, isWeak: Bool)] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == " " || character == "\t" || character == "," {
                index = text.index(after: index)
                continue
            }
            var isWeak = false
            if text[index...].hasPrefix("W/") {
                isWeak = true
                index = text.index(index, offsetBy: 2)
            }
            guard index < text.endIndex, text[index] == "\"" else { break }
            let opaqueStart = text.index(after: index)
            guard let closing = text[opaqueStart...].firstIndex(of: "\"") else { break }
            tags.append((text[opaqueStart..<closing], isWeak))
            index = text.index(after: closing)
        }
        return tags
    }
}
