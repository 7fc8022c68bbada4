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
