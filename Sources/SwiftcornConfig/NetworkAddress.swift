/// An address the master listens on: `host:port` (IPv4 or bracketed IPv6) or `unix:/path`.
public enum BindAddress: Sendable, Hashable, CustomStringConvertible {
    /// A TCP address; `host` is a numeric IPv4 or IPv6 address.
    case tcp(host: String, port: Int)
    /// A Unix domain stream socket at `path`.
    case unix(path: String)

    /// Parses the forms gunicorn accepts for `-b`: `HOST:PORT`, `[V6]:PORT`, `:PORT`, `PORT`, `unix:PATH`.
    /// Names are not resolved: a bind address is numeric.
    public init(parsing text: String) throws(ConfigurationError) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else {
                throw ConfigurationError(.invalidValue, key: "bind", value: text, expected: "unix:/path/to/socket")
            }
            self = .unix(path: path)
            return
        }
        guard let (host, portText) = HostPortSyntax.split(Substring(text)), let portText,
            let port = Int(portText), (0...65535).contains(port)
        else {
            throw ConfigurationError(
                .invalidValue,
                key: "bind",
                value: text,
                expected: "HOST:PORT with a port in 0...65535, e.g. 127.0.0.1:8000 or [::1]:8000"
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
        HostPortSyntax.isIPv6(Substring(host)) || HostPortSyntax.isIPv4(Substring(host))
    }
}

/// Where a client sends: a host name or numeric address, and a port (statsd's `--statsd-host`).
///
/// Validated when the configuration loads, so a typo fails `--check-config` rather than a
/// worker's start; the name is resolved by the client, off the request path.
public struct ServiceAddress: Sendable, Hashable, CustomStringConvertible {
    /// A DNS name or a numeric IPv4 or IPv6 address (without brackets).
    public let host: String
    /// 1...65535.
    public let port: Int

    /// Parses `HOST:PORT`, `HOST`, `[V6]:PORT` or `[V6]`; `defaultPort` applies when no port is given.
    public init(parsing text: String, key: String, defaultPort: Int) throws(ConfigurationError) {
        let expected = "HOST[:PORT] with a DNS name or numeric address and a port in 1...65535, e.g. 127.0.0.1:8125 or [::1]:8125"
        guard let (host, portText) = HostPortSyntax.split(Substring(text)),
            HostPortSyntax.isIPv6(host) || HostPortSyntax.isIPv4(host) || HostPortSyntax.isDNSName(host)
        else {
            throw ConfigurationError(.invalidValue, key: key, value: text, expected: expected)
        }
        guard let portText else {
            self.host = String(host)
            self.port = defaultPort
            return
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw ConfigurationError(.invalidValue, key: key, value: text, expected: expected)
        }
        self.host = String(host)
        self.port = port
    }

    /// `host:port`, IPv6 in brackets: the form it parses.
    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}

/// The one reading of `host:port` text, shared by every address setting.
enum HostPortSyntax {
    /// Splits `HOST:PORT`, `[V6]:PORT`, `[V6]`, `HOST`, `:PORT`; `nil` for an unclosed bracket, text
    /// after `]` that is not `:PORT`, or an IPv6 address without brackets and port (`::1`), which
    /// would be ambiguous. Bare digits are a port (gunicorn's `-b 8000`).
    static func split(_ text: Substring) -> (host: Substring, port: Substring?)? {
        if text.first == "[" {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return (host, nil) }
            guard rest.first == ":" else { return nil }
            return (host, rest.dropFirst())
        }
        guard let colon = text.firstIndex(of: ":") else {
            return text.allSatisfy(\.isASCIIDigit) && !text.isEmpty ? (text[text.startIndex..<text.startIndex], text) : (text, nil)
        }
        guard text[text.index(after: colon)...].firstIndex(of: ":") == nil else { return nil }
        return (text[..<colon], text[text.index(after: colon)...])
    }

    /// Four decimal octets.
    static func isIPv4(_ host: Substring) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && UInt8($0) != nil }
    }

    /// Hex groups and colons (an embedded IPv4 tail allowed); the kernel's parser has the last word.
    static func isIPv6(_ host: Substring) -> Bool {
        host.contains(":") && host.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }

    /// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, 253 bytes at most.
    static func isDNSName(_ host: Substring) -> Bool {
        guard !host.isEmpty, host.utf8.count <= 253 else { return false }
        return host.split(separator: ".", omittingEmptySubsequences: false).enumerated().allSatisfy { index, label in
            // A trailing dot (a fully qualified name) leaves one empty last label.
            if label.isEmpty { return index > 0 && label.endIndex == host.endIndex }
            return label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
