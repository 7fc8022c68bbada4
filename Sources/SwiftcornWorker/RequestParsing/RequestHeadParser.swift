import HTTPTypes

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
    static func checkFieldLines(_ bytes: UnsafeRawBufferPointer, limits: RequestHeadLimits) -> RequestRefusal? {
        var parser = RequestHeadParser(bytes: bytes, limits: limits)
        while parser.position < parser.fieldSectionEnd {
            if case .failure(let refusal) = parser.parseFieldLine() {
                return refusal
            }
        }
        return nil
    }

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
        var head = ParsedRequestHead(
            request: HTTPRequest(method: line.method, scheme: nil, authority: nil, path: line.target),
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
        head.request.authority = authority
        head.request.headerFields = fields
        return .success(head)
    }
}
