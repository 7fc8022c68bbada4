import SwiftcornLogging

/// Who a request comes from and which id it carries, when a trusted proxy says so.
extension HTTPConnectionHandler {
    /// A trusted peer's `X-Request-ID` when it is a sane token, else a fresh id.
    static func requestID(_ incoming: String?, trusted: Bool, generator: RequestIDGenerator) -> String {
        if trusted, let incoming, (1...128).contains(incoming.utf8.count),
            incoming.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        {
            return incoming
        }
        return generator.next()
    }

    /// The client a trusted proxy names first in `X-Forwarded-For`.
    static func forwardedClient(_ forwarded: String?) -> String? {
        guard let forwarded else { return nil }
        guard var first = forwarded.split(separator: ",", maxSplits: 1).first else { return nil }
        while first.first == " " { first.removeFirst() }
        while first.last == " " { first.removeLast() }
        return first.isEmpty ? nil : String(first)
    }
}
