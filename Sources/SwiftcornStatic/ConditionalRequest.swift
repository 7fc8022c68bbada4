import SwiftcornTime

/// The conditional request fields a static file answers to, evaluated against the file's validators.
///
/// Only the fields that matter for GET and HEAD of a read-only file are honoured: `If-None-Match`,
/// `If-Modified-Since` and `If-Range`. `If-Match` and `If-Unmodified-Since` exist to protect
/// state-changing requests and are ignored here, as RFC 9110 allows for a server that does not
/// support them for the method.
struct ConditionalRequest: Sendable {
    /// The `If-None-Match` field value, all lines joined.
    var ifNoneMatch: String?
    /// The `If-Modified-Since` field value.
    var ifModifiedSince: String?
    /// The `If-Range` field value.
    var ifRange: String?

    /// Creates a conditional request from its field values.
    init(ifNoneMatch: String? = nil, ifModifiedSince: String? = nil, ifRange: String? = nil) {
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
        self.ifRange = ifRange
    }

    /// Whether the client's cached copy is current, so the answer is 304 (RFC 9110 §13.2.2 steps 3–4).
    ///
    /// `If-None-Match` takes precedence: when present, `If-Modified-Since` is not looked at, because
    /// an entity tag is a more exact validator than a date with one-second resolution. An
    /// unparsable date is ignored, as the RFC requires.
    func isNotModified(entityTag: EntityTag, lastModified: Int64) -> Bool {
        if let ifNoneMatch = self.ifNoneMatch {
            return entityTag.matchesWeakly(ifNoneMatch: ifNoneMatch[...])
        }
        if let ifModifiedSince = self.ifModifiedSince, let date = HTTPDate.parse(ifModifiedSince) {
            return lastModified <= date
        }
        return false
    }

    /// Whether a `Range` header may be honoured (RFC 9110 §13.1.5); `false` means "send the whole file".
    ///
    /// An entity-tag must match strongly; a date must equal `Last-Modified` exactly. Anything
    /// unparsable fails, which is the safe side: the client gets a complete, current copy.
    func rangeApplies(entityTag: EntityTag, lastModified: Int64) -> Bool {
        guard let ifRange = self.ifRange?[...].trimmingHTTPWhitespace() else { return true }
        if ifRange.hasPrefix("\"") || ifRange.hasPrefix("W/") {
            return entityTag.matchesStrongly(ifRange: ifRange)
        }
        return HTTPDate.parse(ifRange) == lastModified
    }
}

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

/// A satisfiable byte range of a representation, both ends inclusive as in `Content-Range`.
///
/// Only a single range is ever served: a `Range` header asking for several is ignored and the whole
/// file answered with 200, which RFC 9110 §14.2 allows. Multipart `byteranges` bodies are rarely
/// used by real clients and are a known amplification vector (many overlapping ranges of one file).
struct ByteRange: Hashable, Sendable {
    /// Offset of the first byte.
    let first: Int
    /// Offset of the last byte, inclusive.
    let last: Int

    /// What a `Range` header asks of a representation of a given length.
    enum Selection: Hashable, Sendable {
        /// No usable range: absent, another unit, several ranges, or syntactically invalid. Answer 200.
        case whole
        /// One satisfiable range. Answer 206.
        case partial(ByteRange)
        /// A well-formed range that does not overlap the representation. Answer 416.
        case unsatisfiable
    }

    /// The number of bytes in the range.
    var count: Int { self.last - self.first + 1 }

    /// The `Content-Range` value for this range of a representation of `completeLength` bytes.
    func contentRange(completeLength: Int) -> String {
        "bytes \(self.first)-\(self.last)/\(completeLength)"
    }

    /// The `Content-Range` value of a 416 response for a representation of `completeLength` bytes.
    static func unsatisfiedContentRange(completeLength: Int) -> String {
        "bytes */\(completeLength)"
    }

    /// Interprets a `Range` header value against a representation of `completeLength` bytes (RFC 9110 §14.1.2).
    ///
    /// Forms: `bytes=a-b` (`b` clamped to the end), `bytes=a-`, `bytes=-n` (the last `n` bytes, the
    /// whole representation when it is shorter). A range starting at or past the end, a zero-length
    /// suffix, and any range of an empty representation are unsatisfiable. `a-b` with `b < a` is
    /// invalid syntax and therefore ignored, not refused. Numbers too large for `Int` saturate, so
    /// they behave like "past the end" rather than failing.
    static func select(rangeHeader: Substring, completeLength: Int) -> Selection {
        guard let equals = rangeHeader.firstIndex(of: "=") else { return .whole }
        let unit = rangeHeader[..<equals].trimmingHTTPWhitespace()
        guard unit.lowercased() == "bytes" else { return .whole }

        // Empty list elements are allowed by the list syntax (RFC 9110 §5.6.1); ignore them.
        let specs = rangeHeader[rangeHeader.index(after: equals)...]
            .split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingHTTPWhitespace() }
            .filter { !$0.isEmpty }
        guard specs.count == 1, let spec = specs.first, let dash = spec.firstIndex(of: "-") else { return .whole }

        let firstText = spec[..<dash]
        let lastText = spec[spec.index(after: dash)...]
        if firstText.isEmpty {
            guard let suffixLength = Self.parseDigits(lastText) else { return .whole }
            guard suffixLength > 0, completeLength > 0 else { return .unsatisfiable }
            return .partial(ByteRange(first: max(0, completeLength - suffixLength), last: completeLength - 1))
        }
        guard let first = Self.parseDigits(firstText) else { return .whole }
        var last = completeLength - 1
        if !lastText.isEmpty {
            guard let requestedLast = Self.parseDigits(lastText), requestedLast >= first else { return .whole }
            last = min(requestedLast, last)
        }
        guard first < completeLength else { return .unsatisfiable }
        return .partial(ByteRange(first: first, last: last))
    }

    /// Parses one or more ASCII digits, saturating at `Int.max`; `nil` for anything else.
    static func parseDigits(_ text: Substring) -> Int? {
        guard !text.isEmpty else { return nil }
        var value = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            value = overflow1 || overflow2 ? Int.max : sum
        }
        return value
    }
}

extension Substring {
    /// The substring without leading and trailing spaces and tabs, HTTP's optional whitespace (RFC 9110 §5.6.3).
    func trimmingHTTPWhitespace() -> Substring {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = self.firstIndex(where: { !isWhitespace($0) }),
            let end = self.lastIndex(where: { !isWhitespace($0) })
        else { return self[self.endIndex...] }
        return self[start...end]
    }
}
