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
            for coding in value.split(separator: ",") {
                let trimmed = Self.trimmingWhitespace(coding)
                if !trimmed.isEmpty {
                    self.transferCodings.append(trimmed)
                }
            }
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
            guard let last = self.transferCodings.last, last.lowercased() == "chunked" else {
                return RequestRefusal(.badRequest)
            }
            if self.transferCodings.count > 1 {
                // Chunked twice is malformed; any other coding is one the server does not decode.
                let chunkedTwice = self.transferCodings.dropLast().contains { $0.lowercased() == "chunked" }
                return RequestRefusal(chunkedTwice ? .badRequest : .notImplemented)
            }
        }
        if !isHTTP10 && !hasAuthority {
            return RequestRefusal(.badRequest)
        }
        return nil
    }

    /// A list element without the optional whitespace around it.
    private static func trimmingWhitespace(_ element: Substring) -> Substring {
        let isWhitespace = { (character: Character) in character == " " || character == "\t" }
        guard let first = element.firstIndex(where: { !isWhitespace($0) }),
            let last = element.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return element[first...last]
    }

    /// Notes `close` and `keep-alive` among a `Connection` field's options, without building
    /// strings: browsers send this field with every request.
    private mutating func noteConnectionOptions(_ value: UnsafeRawBufferPointer) {
        var start = 0
        for end in 0...value.count where end == value.count || value[end] == UInt8(ascii: ",") {
            var first = start
            var last = end
            while first < last && (value[first] == HTTPByteClass.space || value[first] == HTTPByteClass.tab) {
                first += 1
            }
            while last > first && (value[last - 1] == HTTPByteClass.space || value[last - 1] == HTTPByteClass.tab) {
                last -= 1
            }
            let option = UnsafeRawBufferPointer(rebasing: value[first..<last])
            if HTTPByteClass.equalsIgnoringCase(option, "close") {
                self.closeRequested = true
            } else if HTTPByteClass.equalsIgnoringCase(option, "keep-alive") {
                self.keepAliveRequested = true
            }
            start = end + 1
        }
    }
}
