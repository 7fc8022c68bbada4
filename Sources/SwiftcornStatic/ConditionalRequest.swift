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
