import HTTPTypes

extension RequestHeadParser {
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
                target: String(decoding: target, as: UTF8.self),
                isHTTP10: bytes[index + 7] == UInt8(ascii: "0")
            )
        )
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
