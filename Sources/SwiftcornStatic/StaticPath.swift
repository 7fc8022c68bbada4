import HTTPTypes

/// A request path made safe to append to the static root.
///
/// The request target is percent-decoded as bytes first and split on `/` afterwards, so an encoded
/// separator or dot (`%2F`, `%2e%2e`) is judged exactly like a literal one. Empty and `.` segments
/// are dropped (they name the same directory, so a trailing slash is not significant); a `..`
/// segment is refused rather than resolved, because resolving it lexically would invite the
/// classic off-by-one escapes and no legitimate link needs it.
///
/// Hidden files: segments starting with `.` are refused, except `.well-known` (RFC 8615), because
/// a served directory is often a checkout or a build output, and `.git/` or `.env` leaking is the
/// usual static-server incident. nginx serves them unless told not to; we choose the safe default.
struct StaticPath: Hashable, Sendable {
    /// The decoded segments, none empty, `.`, `..` or hidden.
    let segments: [String]

    /// Why a request path cannot name a file under the root.
    enum Error: Swift.Error, Hashable, Sendable {
        /// The path does not start with `/` (an asterisk-form or authority-form target).
        case notAbsolute
        /// A `%` not followed by two hexadecimal digits.
        case invalidPercentEncoding
        /// A decoded NUL byte, which would cut the path short in every C API.
        case containsNUL
        /// A segment whose decoded bytes are not UTF-8; Swift strings could not carry it unchanged.
        case invalidUTF8
        /// A `..` segment.
        case parentSegment
        /// A segment starting with `.`, other than `.well-known`.
        case hiddenSegment

        /// The status answering this error.
        ///
        /// Malformed paths are the client's mistake (400); paths that are well-formed but point
        /// upwards or at hidden files answer 404, as if nothing were there, so they reveal nothing.
        var status: HTTPResponse.Status {
            switch self {
            case .notAbsolute, .invalidPercentEncoding, .containsNUL, .invalidUTF8:
                .badRequest
            case .parentSegment, .hiddenSegment:
                .notFound
            }
        }
    }

    /// Decodes and checks `rawPath`, the request path without its query, percent-encoding as received.
    init(decoding rawPath: Substring) throws(Error) {
        guard rawPath.utf8.first == UInt8(ascii: "/") else { throw .notAbsolute }
        let bytes = try Self.percentDecode(rawPath.utf8)
        var segments: [String] = []
        for raw in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            guard let segment = String(validating: raw, as: UTF8.self) else { throw .invalidUTF8 }
            switch segment {
            case ".":
                continue
            case "..":
                throw .parentSegment
            default:
                guard !Self.isHidden(segment) else { throw .hiddenSegment }
                segments.append(segment)
            }
        }
        self.segments = segments
    }

    /// The path relative to the root, segments joined with `/`; empty for the root itself.
    var relativePath: String {
        self.segments.joined(separator: "/")
    }

    /// Whether `segment` names a hidden file or directory that is not served.
    static func isHidden(_ segment: some StringProtocol) -> Bool {
        Self.isHidden(bytes: segment.utf8)
    }

    /// Whether the path component spelled by `bytes` is hidden; compares bytes, not characters,
    /// because a file system compares names byte for byte.
    static func isHidden(bytes: some Collection<UInt8>) -> Bool {
        bytes.first == UInt8(ascii: ".") && !bytes.elementsEqual(".well-known".utf8)
    }

    /// Replaces every `%XX` in `encoded` with the byte it encodes; refuses malformed escapes and NUL.
    static func percentDecode(_ encoded: some Collection<UInt8>) throws(Error) -> [UInt8] {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(encoded.count)
        var iterator = encoded.makeIterator()
        while let byte = iterator.next() {
            var value = byte
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue) else {
                    throw .invalidPercentEncoding
                }
                value = high << 4 | low
            }
            guard value != 0 else { throw .containsNUL }
            decoded.append(value)
        }
        return decoded
    }

    /// The value of an ASCII hexadecimal digit, `nil` for any other byte.
    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
