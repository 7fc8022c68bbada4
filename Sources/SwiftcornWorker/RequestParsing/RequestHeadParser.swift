import HTTPTypes
import SwiftcornFormat

/// Reads a complete request head, CRLF-terminated lines ending in an empty one, into a
/// ``ParsedRequestHead``, or the status it must be refused with.
///
/// One pass over the bytes builds the application's fields and picks out the ones the server
/// acts on; a field name is compared only when its length matches one of those.
struct RequestHeadParser {
    let bytes: UnsafeRawBufferPointer
    let limits: RequestHeadLimits
    var position = 0

    var contentLengths = 0
    var hosts = 0
    var transferEncodingFields = 0
    var transferCodings = 0
    var lastCodingIsChunked = false
    var chunkedBeforeLast = false
    var closeRequested = false
    var keepAliveRequested = false

    /// Parses `bytes`, which hold the head up to and including its empty line, of `fieldCount` fields.
    static func parse(
        _ bytes: UnsafeRawBufferPointer,
        fieldCount: Int,
        limits: RequestHeadLimits
    ) -> Result<ParsedRequestHead, RequestRefusal> {
        var parser = RequestHeadParser(bytes: bytes, limits: limits)
        return parser.parseHead(fieldCount: fieldCount)
    }

    /// Checks the field lines `bytes` holds up to their empty line, without keeping them.
    static func checkTrailerFields(_ bytes: UnsafeRawBufferPointer, limits: RequestHeadLimits) -> RequestRefusal? {
        var parser = RequestHeadParser(bytes: bytes, limits: limits)
        while parser.position < parser.fieldSectionEnd {
            switch parser.parseFieldLine() {
            case .failure(let refusal):
                return refusal
            case .success(let field) where Self.isForbiddenInTrailers(field.name):
                return RequestRefusal(.badRequest)
            case .success:
                break
            }
        }
        return nil
    }

    /// Fields a trailer may not carry (RFC 9110, 6.5.1): framing, routing, request modifiers,
    /// authentication and content format. The server drops trailers rather than pass them on,
    /// so none of these could act; a message that sends them is refused as gunicorn's and
    /// llhttp's request vectors expect, so an attempt to frame or route by trailer is on the record.
    static func isForbiddenInTrailers(_ name: UnsafeRawBufferPointer) -> Bool {
        Self.forbiddenInTrailers.contains { HTTPByteClass.equalsIgnoringCase(name, $0) }
    }

    private static let forbiddenInTrailers: [StaticString] = [
        "content-length", "transfer-encoding", "host", "trailer", "te", "connection", "keep-alive", "upgrade",
        "expect", "max-forwards", "cache-control", "range", "if-match", "if-none-match", "if-modified-since",
        "if-unmodified-since", "if-range", "authorization", "proxy-authorization", "cookie", "content-encoding",
        "content-type", "content-range",
    ]

    private init(bytes: UnsafeRawBufferPointer, limits: RequestHeadLimits) {
        // Every loop below stops at the CR of a CRLF before reading past it; the scan that
        // found the head guarantees the final one, and memory safety rests on it.
        precondition(
            bytes.count >= 2 && bytes[bytes.count - 2] == HTTPByteClass.carriageReturn
                && bytes[bytes.count - 1] == HTTPByteClass.lineFeed
        )
        self.bytes = bytes
        self.limits = limits
    }

    /// The non-empty run of bytes from `start` that `belongs` accepts, when `delimiter` ends it;
    /// `nil` otherwise. A head ends in CRLF, which no caller's class accepts, so the scan stops
    /// inside the buffer.
    @inline(__always)
    func run(from start: Int, of belongs: (UInt8) -> Bool, endedBy delimiter: UInt8) -> UnsafeRawBufferPointer? {
        var end = start
        while belongs(self.bytes[end]) {
            end += 1
        }
        guard end > start, self.bytes[end] == delimiter else { return nil }
        return UnsafeRawBufferPointer(rebasing: self.bytes[start..<end])
    }

    /// Where the empty line that ends the fields starts. The scan found no earlier empty line,
    /// so any line before it is a field: one that starts with a bare CR is refused as one,
    /// rather than taken for the end.
    var fieldSectionEnd: Int { self.bytes.count - 2 }

    private mutating func parseHead(fieldCount: Int) -> Result<ParsedRequestHead, RequestRefusal> {
        let line: RequestLine
        switch self.parseRequestLine() {
        case .success(let parsed): line = parsed
        case .failure(let refusal): return .failure(refusal)
        }
        let form: TargetForm
        switch Self.targetForm(of: line.target, method: line.method) {
        case .success(let parsed): form = parsed
        case .failure(let refusal): return .failure(refusal)
        }
        var head = ParsedRequestHead(
            request: HTTPRequest(method: line.method, scheme: form.scheme, authority: nil, path: form.path ?? line.target),
            isHTTP10: line.isHTTP10,
            keepAlive: false,
            framing: .none
        )
        var fields = HTTPFields()
        fields.reserveCapacity(fieldCount)
        var authority: String?
        var contentLength: Int?
        while self.position < self.fieldSectionEnd {
            let field: (name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)
            switch self.parseFieldLine() {
            case .success(let parsed): field = parsed
            case .failure(let refusal): return .failure(refusal)
            }
            let value = String(decoding: field.value, as: UTF8.self)
            switch self.notice(field.name, field.value, value, into: &head) {
            case .success(.host):
                authority = value
            case .success(.contentLength(let length)):
                contentLength = length
            case .success(.ordinary):
                break
            case .failure(let refusal):
                return .failure(refusal)
            }
            guard let name = HTTPField.Name(String(decoding: field.name, as: UTF8.self)) else {
                return .failure(RequestRefusal(.badRequest))
            }
            fields.append(HTTPField(name: name, value: value))
        }
        if let refusal = self.framingRefusal(isHTTP10: line.isHTTP10, hasAuthority: authority != nil) {
            return .failure(refusal)
        }
        if self.transferEncodingFields > 0 {
            head.framing = .chunked
        } else if let contentLength, contentLength > 0 {
            head.framing = .length(contentLength)
        }
        head.keepAlive = !self.closeRequested && (!line.isHTTP10 || self.keepAliveRequested)
        // An absolute-form target names the authority; Host is then ignored (RFC 9112, 3.2.2).
        head.request.authority = form.authority ?? authority
        head.request.headerFields = fields
        return .success(head)
    }
}

extension RequestHeadParser {
    /// The request-target's form (RFC 9112, 3.2), and what it makes of the request.
    enum TargetForm: Equatable {
        /// `/path?query`: the target is the path.
        case origin
        /// `http://authority/path?query`: a proxy's form, which a server must accept (3.2.2).
        case absolute(scheme: String, authority: String, path: String)
        /// `*`, for a server-wide OPTIONS.
        case asterisk

        var scheme: String? {
            guard case .absolute(let scheme, _, _) = self else { return nil }
            return scheme
        }

        var authority: String? {
            guard case .absolute(_, let authority, _) = self else { return nil }
            return authority
        }

        /// The path the app sees, when it is not the target itself.
        var path: String? {
            guard case .absolute(_, _, let path) = self else { return nil }
            return path
        }
    }

    /// The form of `target` for `method`. A target of no form the method may use is refused
    /// rather than routed: `GET headers` reaching the `/headers` route would let a client walk
    /// around an app's rule on a path prefix. Origin-form, the common case, costs one byte's look.
    static func targetForm(of target: String, method: HTTPRequest.Method) -> Result<TargetForm, RequestRefusal> {
        if target.utf8.first == UInt8(ascii: "/") {
            return method == .connect ? .failure(RequestRefusal(.badRequest)) : .success(.origin)
        }
        if method == .connect {
            // Authority-form opens a tunnel, which this server does not offer.
            return .failure(RequestRefusal(.notImplemented))
        }
        if target == "*" {
            return method == .options ? .success(.asterisk) : .failure(RequestRefusal(.badRequest))
        }
        for scheme in ["http", "https"] {
            let prefix = scheme + "://"
            guard target.utf8.count > prefix.utf8.count, target.prefix(prefix.count).lowercased() == prefix else { continue }
            let rest = target.dropFirst(prefix.count)
            let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            let authority = rest[..<end]
            // Userinfo in a target is deprecated and a phishing vector (RFC 9110, 4.2.4).
            guard !authority.isEmpty, !authority.contains("@") else { return .failure(RequestRefusal(.badRequest)) }
            let pathAndQuery = rest[end...]
            let path = pathAndQuery.first == "/" ? String(pathAndQuery) : "/" + pathAndQuery
            return .success(.absolute(scheme: scheme, authority: String(authority), path: path))
        }
        return .failure(RequestRefusal(.badRequest))
    }

    /// `method SP request-target SP HTTP-version CRLF` (RFC 9112, 3).
    struct RequestLine {
        var method: HTTPRequest.Method
        var target: String
        var isHTTP10: Bool
    }

    /// Reads the request line. A method or target of a byte the grammar does not allow, or
    /// more than one space between the parts, is refused: lenient splitting is how two
    /// servers come to disagree about one request.
    mutating func parseRequestLine() -> Result<RequestLine, RequestRefusal> {
        let bytes = self.bytes
        guard let method = self.run(from: self.position, of: HTTPByteClass.isToken, endedBy: HTTPByteClass.space),
            let target = self.run(from: self.position + method.count + 1, of: HTTPByteClass.isTarget, endedBy: HTTPByteClass.space)
        else {
            return .failure(RequestRefusal(.badRequest))
        }
        let index = self.position + method.count + 1 + target.count + 1
        // "HTTP/" DIGIT "." DIGIT CRLF
        guard index + 10 <= bytes.count,
            HTTPByteClass.equals(UnsafeRawBufferPointer(rebasing: bytes[index..<index + 5]), "HTTP/"),
            Self.isDigit(bytes[index + 5]), bytes[index + 6] == UInt8(ascii: "."), Self.isDigit(bytes[index + 7]),
            bytes[index + 8] == HTTPByteClass.carriageReturn, bytes[index + 9] == HTTPByteClass.lineFeed
        else {
            return .failure(RequestRefusal(.badRequest))
        }
        // A later 1.x is read as 1.1, the highest this server implements (RFC 9110, 2.5).
        guard bytes[index + 5] == UInt8(ascii: "1") else { return .failure(RequestRefusal(.httpVersionNotSupported)) }
        guard let parsedMethod = Self.method(method) else { return .failure(RequestRefusal(.badRequest)) }
        self.position = index + 10
        return .success(
            RequestLine(
                method: parsedMethod,
                target: Self.targetText(target),
                isHTTP10: bytes[index + 7] == UInt8(ascii: "0")
            )
        )
    }

    /// The target as text. Bytes that are not UTF-8 would become U+FFFD and be lost, so a target
    /// holding any is percent-encoded byte for byte above 0x7F: the app, the access record and a
    /// reader of the log get each byte's value (as they would had the client encoded it; a
    /// literal `%FF` from the client reads the same).
    static func targetText(_ target: UnsafeRawBufferPointer) -> String {
        // The common case: ASCII, which is UTF-8.
        guard target.contains(where: { $0 >= 0x80 }) else { return String(decoding: target, as: UTF8.self) }
        if let text = String(validating: target, as: UTF8.self) { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(target.count * 3)
        for byte in target {
            if byte < 0x80 {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                HexDigits.append(byte, to: &bytes)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The common methods without building a string to validate; methods are case-sensitive.
    private static func method(_ bytes: UnsafeRawBufferPointer) -> HTTPRequest.Method? {
        switch bytes.count {
        case 3 where HTTPByteClass.equals(bytes, "GET"): .get
        case 3 where HTTPByteClass.equals(bytes, "PUT"): .put
        case 4 where HTTPByteClass.equals(bytes, "POST"): .post
        case 4 where HTTPByteClass.equals(bytes, "HEAD"): .head
        case 5 where HTTPByteClass.equals(bytes, "PATCH"): .patch
        case 6 where HTTPByteClass.equals(bytes, "DELETE"): .delete
        case 7 where HTTPByteClass.equals(bytes, "OPTIONS"): .options
        default: HTTPRequest.Method(String(decoding: bytes, as: UTF8.self))
        }
    }
}

extension RequestHeadParser {
    /// A field the head's parse needs beyond storing it.
    enum NoticedField {
        case ordinary
        case host
        case contentLength(Int)
    }

    /// Picks up what the server acts on from one field; `value` is `rawValue` as a string.
    mutating func notice(
        _ name: UnsafeRawBufferPointer,
        _ rawValue: UnsafeRawBufferPointer,
        _ value: String,
        into head: inout ParsedRequestHead
    ) -> Result<NoticedField, RequestRefusal> {
        // By length first: most fields are none of these, and a length is free to read.
        switch name.count {
        case 4 where HTTPByteClass.equalsIgnoringCase(name, "host"):
            self.hosts += 1
            // Two hosts leave the request's target ambiguous (RFC 9112, 3.2).
            guard self.hosts == 1 else { return .failure(RequestRefusal(.badRequest)) }
            head.host = value
            return .success(.host)
        case 14 where HTTPByteClass.equalsIgnoringCase(name, "content-length"):
            self.contentLengths += 1
            // Two lengths, even equal ones, are how request smuggling starts (RFC 9112, 6.3).
            guard self.contentLengths == 1, let length = HTTPByteClass.decimal(rawValue) else {
                return .failure(RequestRefusal(.badRequest))
            }
            return .success(.contentLength(length))
        case 17 where HTTPByteClass.equalsIgnoringCase(name, "transfer-encoding"):
            self.transferEncodingFields += 1
            self.noteTransferCodings(rawValue)
        case 10 where HTTPByteClass.equalsIgnoringCase(name, "connection"):
            self.noteConnectionOptions(rawValue)
        case 10 where HTTPByteClass.equalsIgnoringCase(name, "user-agent"):
            head.userAgent = value
        case 7 where HTTPByteClass.equalsIgnoringCase(name, "referer"):
            head.referer = value
        case 6 where HTTPByteClass.equalsIgnoringCase(name, "expect"):
            head.expectation = value
        case 12 where HTTPByteClass.equalsIgnoringCase(name, "x-request-id"):
            head.requestID = value
        case 15 where HTTPByteClass.equalsIgnoringCase(name, "x-forwarded-for"):
            head.forwardedFor = head.forwardedFor ?? value
        default:
            break
        }
        return .success(.ordinary)
    }

    /// Why the head's framing or its target cannot be trusted, if it cannot.
    func framingRefusal(isHTTP10: Bool, hasAuthority: Bool) -> RequestRefusal? {
        if self.transferEncodingFields > 0 {
            // HTTP/1.0 has no transfer codings: such a message is framed faultily (RFC 9112, 6.1).
            // Both framings at once is how request smuggling starts (RFC 9112, 6.3).
            guard !isHTTP10, self.contentLengths == 0 else { return RequestRefusal(.badRequest) }
            // Without chunked last, the body's length cannot be known (RFC 9112, 6.3).
            guard self.lastCodingIsChunked else { return RequestRefusal(.badRequest) }
            if self.transferCodings > 1 {
                // Chunked twice is malformed; any other coding is one the server does not decode.
                return RequestRefusal(self.chunkedBeforeLast ? .badRequest : .notImplemented)
            }
        }
        if !isHTTP10 && !hasAuthority {
            return RequestRefusal(.badRequest)
        }
        return nil
    }

    /// Notes `close` and `keep-alive` among a `Connection` field's options, without building
    /// strings: browsers send this field with every request.
    private mutating func noteConnectionOptions(_ value: UnsafeRawBufferPointer) {
        Self.forEachListElement(value) { option in
            if HTTPByteClass.equalsIgnoringCase(option, "close") {
                self.closeRequested = true
            } else if HTTPByteClass.equalsIgnoringCase(option, "keep-alive") {
                self.keepAliveRequested = true
            }
        }
    }

    /// Notes the codings a `Transfer-Encoding` field lists, compared byte by byte: a
    /// case-insensitive comparison of strings would take a non-ASCII look-alike for `chunked`
    /// that every other server in front of this one reads as an unknown coding.
    private mutating func noteTransferCodings(_ value: UnsafeRawBufferPointer) {
        Self.forEachListElement(value) { coding in
            self.chunkedBeforeLast = self.chunkedBeforeLast || self.lastCodingIsChunked
            self.lastCodingIsChunked = HTTPByteClass.equalsIgnoringCase(coding, "chunked")
            self.transferCodings += 1
        }
    }

    /// Calls `body` with each non-empty element of a comma-separated list, without the
    /// whitespace around it (RFC 9110, 5.6.1).
    private static func forEachListElement(_ value: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        let isWhitespace = { (byte: UInt8) in byte == HTTPByteClass.space || byte == HTTPByteClass.tab }
        var start = 0
        for end in 0...value.count where end == value.count || value[end] == UInt8(ascii: ",") {
            var first = start
            var last = end
            while first < last && isWhitespace(value[first]) {
                first += 1
            }
            while last > first && isWhitespace(value[last - 1]) {
                last -= 1
            }
            if first < last {
                body(UnsafeRawBufferPointer(rebasing: value[first..<last]))
            }
            start = end + 1
        }
    }
}

extension RequestHeadParser {
    /// Reads `field-name ":" OWS field-value OWS CRLF` (RFC 9112, 5), the value without its
    /// surrounding whitespace.
    ///
    /// Whitespace before the colon and a line that starts with whitespace (obs-fold) are
    /// refused, as RFC 9112 asks of a server; so is any control byte in a value, a bare CR
    /// included, which could otherwise end a line for some other reader.
    mutating func parseFieldLine() -> Result<(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer), RequestRefusal> {
        let bytes = self.bytes
        guard let name = self.run(from: self.position, of: HTTPByteClass.isToken, endedBy: HTTPByteClass.colon) else {
            return .failure(RequestRefusal(.badRequest))
        }
        var index = self.position + name.count + 1
        while bytes[index] == HTTPByteClass.space || bytes[index] == HTTPByteClass.tab {
            index += 1
        }
        let valueStart = index
        var valueEnd = index
        while bytes[index] != HTTPByteClass.carriageReturn {
            let byte = bytes[index]
            guard HTTPByteClass.isFieldValue(byte) else { return .failure(RequestRefusal(.badRequest)) }
            index += 1
            if byte != HTTPByteClass.space && byte != HTTPByteClass.tab {
                valueEnd = index
            }
        }
        guard bytes[index + 1] == HTTPByteClass.lineFeed else { return .failure(RequestRefusal(.badRequest)) }
        self.position = index + 2
        // Measured as gunicorn measures a field line, `name: value` and its CRLF, with the
        // whitespace around the value taken as one space (the line may carry more, up to
        // RequestHeadLimits.whitespaceAllowance).
        guard name.count + 2 + (valueEnd - valueStart) + 2 <= self.limits.fieldSize else {
            return .failure(RequestRefusal(.requestHeaderFieldsTooLarge))
        }
        return .success((name, UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd])))
    }
}

/// A request head as the parser read it: the `HTTPRequest` the application sees, and the fields
/// the server acts on, picked up in the same pass.
struct ParsedRequestHead {
    /// How the request's body is delimited (RFC 9112, 6.3).
    enum BodyFraming: Equatable {
        /// No body.
        case none
        /// `Content-Length: n`.
        case length(Int)
        /// `Transfer-Encoding: chunked`.
        case chunked
    }

    var request: HTTPRequest
    /// `HTTP/1.0` rather than `HTTP/1.1`.
    var isHTTP10: Bool
    /// The client keeps the connection open after this request, by its version and `Connection`.
    var keepAlive: Bool
    var framing: BodyFraming
    var expectation: String?
    var requestID: String?
    /// The first `X-Forwarded-For` value.
    var forwardedFor: String?
    var userAgent = ""
    var referer = ""
    var host = ""
}
