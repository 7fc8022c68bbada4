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
