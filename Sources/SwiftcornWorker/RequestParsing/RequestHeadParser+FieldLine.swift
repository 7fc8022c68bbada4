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
        // Measured as gunicorn measures a field: "name: value".
        guard name.count + 2 + (valueEnd - valueStart) <= self.limits.fieldSize else {
            return .failure(RequestRefusal(.requestHeaderFieldsTooLarge))
        }
        return .success((name, UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd])))
    }
}
