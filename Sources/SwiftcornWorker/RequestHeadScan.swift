import HTTPTypes
import NIOHTTP1

/// One pass over a decoded request head: the `HTTPRequest` the application sees, the fields the
/// server acts on, and the status the head must be refused with, if any.
///
/// A single pass matters: each `HTTPHeaders.first(name:)` is a case-insensitive scan of every
/// field, and a request needs half a dozen of them.
struct RequestHeadScan {
    /// The request, when the head is acceptable.
    private(set) var request: HTTPRequest?
    /// Why the head is refused.
    private(set) var refusal: HTTPResponse.Status?
    private(set) var contentLength: Int?
    private(set) var isChunked = false
    private(set) var expectation: String?
    private(set) var requestID: String?
    private(set) var forwardedFor: String?
    private(set) var userAgent = ""
    private(set) var referer = ""
    private(set) var host = ""

    init(_ head: HTTPRequestHead, settings: HTTPServerSettings) {
        // "METHOD SP target SP HTTP/1.1", without the CRLF, as gunicorn measures it.
        if head.method.rawValue.utf8.count + head.uri.utf8.count + 10 > settings.limitRequestLine {
            self.refusal = .uriTooLong
            return
        }
        if head.headers.count > settings.limitRequestFields {
            self.refusal = .requestHeaderFieldsTooLarge
            return
        }
        guard head.version.major == 1 else {
            self.refusal = .httpVersionNotSupported
            return
        }
        guard let method = HTTPRequest.Method(head.method.rawValue) else {
            self.refusal = .badRequest
            return
        }
        var fields = HTTPFields()
        fields.reserveCapacity(head.headers.count)
        var authority: String?
        var contentLengths = 0
        for (name, value) in head.headers {
            if name.utf8.count + 2 + value.utf8.count > settings.limitRequestFieldSize {
                self.refusal = .requestHeaderFieldsTooLarge
                return
            }
            guard let fieldName = HTTPField.Name(name) else {
                self.refusal = .badRequest
                return
            }
            // By length first: most fields are none of these, and a length is free to read.
            let canonical = fieldName.canonicalName
            switch canonical.utf8.count {
            case 4 where canonical == "host":
                authority = value
                self.host = value
            case 10 where canonical == "user-agent":
                self.userAgent = value
            case 7 where canonical == "referer":
                self.referer = value
            case 14 where canonical == "content-length":
                contentLengths += 1
                self.contentLength = Int(value)
            case 17 where canonical == "transfer-encoding":
                self.isChunked = true
            case 6 where canonical == "expect":
                self.expectation = value
            case 12 where canonical == "x-request-id":
                self.requestID = value
            case 15 where canonical == "x-forwarded-for":
                self.forwardedFor = self.forwardedFor ?? value
            default:
                break
            }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        // Both framings at once, or two lengths, is how request smuggling starts (RFC 9112, 6.3).
        if self.isChunked && contentLengths > 0 || contentLengths > 1 {
            self.refusal = .badRequest
            return
        }
        if head.version.minor >= 1 && authority == nil {
            self.refusal = .badRequest
            return
        }
        self.request = HTTPRequest(method: method, scheme: nil, authority: authority, path: head.uri, headerFields: fields)
    }
}
