import HTTPTypes
import NIOHTTP1

/// Checks a decoded request head against the configured limits and HTTP/1.1's framing rules.
enum RequestHeadValidation {
    /// The status a head must be refused with, or `nil` when it is acceptable.
    static func refusal(for head: HTTPRequestHead, settings: HTTPServerSettings) -> HTTPResponse.Status? {
        // "METHOD SP target SP HTTP/1.1", without the CRLF, as gunicorn measures it.
        let requestLineLength = head.method.rawValue.utf8.count + head.uri.utf8.count + 10
        if requestLineLength > settings.limitRequestLine {
            return .uriTooLong
        }
        if head.headers.count > settings.limitRequestFields {
            return .requestHeaderFieldsTooLarge
        }
        var contentLengthCount = 0
        var hasTransferEncoding = false
        for (name, value) in head.headers {
            if name.utf8.count + 2 + value.utf8.count > settings.limitRequestFieldSize {
                return .requestHeaderFieldsTooLarge
            }
            if name.utf8.count == 14, name.lowercased() == "content-length" {
                contentLengthCount += 1
            } else if name.utf8.count == 17, name.lowercased() == "transfer-encoding" {
                hasTransferEncoding = true
            }
        }
        // Both framings at once, or two lengths, is how request smuggling starts (RFC 9112, 6.3).
        if hasTransferEncoding && contentLengthCount > 0 || contentLengthCount > 1 {
            return .badRequest
        }
        if head.version.major != 1 {
            return .httpVersionNotSupported
        }
        if head.version.minor >= 1 && !head.headers.contains(name: "host") {
            return .badRequest
        }
        return nil
    }
}
