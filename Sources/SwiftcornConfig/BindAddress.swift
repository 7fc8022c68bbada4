/// An address the master listens on: `host:port` (IPv4 or bracketed IPv6) or `unix:/path`.
public enum BindAddress: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A TCP address; `host` is a numeric IPv4 or IPv6 address.
    case tcp(host: String, port: Int)
    /// A Unix domain stream socket at `path`.
    case unix(path: String)

    /// Parses the forms gunicorn accepts for `-b`: `HOST:PORT`, `[V6]:PORT`, `:PORT`, `PORT`, `unix:PATH`.
    public init(parsing text: String) throws(ConfigurationError) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else {
                throw ConfigurationError(.invalidValue, key: "bind", value: text, expected: "unix:/path/to/socket")
            }
            self = .unix(path: path)
            return
        }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw ConfigurationError(.invalidValue, key: "bind", value: text, expected: "[IPv6]:PORT, e.g. [::1]:8000")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw ConfigurationError(.invalidValue, key: "bind", value: text, expected: "[IPv6]:PORT, e.g. [::1]:8000")
            }
            portText = rest.dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = ""
            portText = Substring(text)
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw ConfigurationError(
                .invalidValue,
                key: "bind",
                value: text,
                expected: "HOST:PORT with a port in 0...65535, e.g. 127.0.0.1:8000"
            )
        }
        let resolvedHost = host.isEmpty ? "0.0.0.0" : String(host)
        guard Self.isNumericAddress(resolvedHost) else {
            throw ConfigurationError(
                .invalidValue,
                key: "bind",
                value: text,
                expected: "a numeric IPv4 or IPv6 address (names are not resolved), e.g. 127.0.0.1:8000 or [::1]:8000"
            )
        }
        self = .tcp(host: resolvedHost, port: port)
    }

    /// A short human-readable form, for logs and messages.
    public var description: String {
        switch self {
        case .tcp(let host, let port):
            host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path):
            "unix:\(path)"
        }
    }

    private static func isNumericAddress(_ host: String) -> Bool {
        if host.contains(":") {
            return host.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in UInt8(part) != nil }
    }
}
