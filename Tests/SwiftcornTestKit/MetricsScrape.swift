import Foundation

/// One HTTP/1.1 GET against a loopback endpoint such as the master's `/metrics`, `/stats` or
/// `/healthz`, with the body un-gzipped when the server compressed it.
///
/// ```swift
/// let scrape = try MetricsScrape.fetch(port: metricsPort, accept: "application/openmetrics-text")
/// #expect(scrape.status == 200)
/// let exposition = try scrape.exposition()
/// ```
public struct MetricsScrape: Sendable {
    /// The status code.
    public let status: Int
    /// Header fields, names lowercased, in order.
    public let headers: [(String, String)]
    /// The body as the server meant it: gunzipped when `Content-Encoding: gzip` was sent.
    public let body: [UInt8]
    /// The body exactly as it came over the wire (de-chunked, still compressed).
    public let wireBody: [UInt8]

    /// Builds a scrape from a response already read, gunzipping its body if it says `gzip`.
    public init(response: HTTPTestResponse) throws {
        self.status = response.status
        self.headers = response.headers
        self.wireBody = response.body
        let encoding = response.header("content-encoding")?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        switch encoding {
        case "", "identity":
            self.body = response.body
        case "gzip", "x-gzip":
            self.body = try Self.gunzip(response.body)
        default:
            throw MetricsScrapeError.unsupportedEncoding(encoding)
        }
    }

    /// GETs `http://127.0.0.1:port/path`; `accept`, `acceptEncoding` and `authorization` become
    /// the headers of those names when set, and `headers` are sent as well.
    public static func fetch(
        port: Int,
        path: String = "/metrics",
        accept: String? = nil,
        acceptEncoding: String? = nil,
        authorization: String? = nil,
        headers: [(String, String)] = [],
        timeout: Duration = .seconds(10)
    ) throws -> MetricsScrape {
        var fields: [(String, String)] = []
        if let accept { fields.append(("Accept", accept)) }
        if let acceptEncoding { fields.append(("Accept-Encoding", acceptEncoding)) }
        if let authorization { fields.append(("Authorization", authorization)) }
        fields += headers
        fields.append(("Connection", "close"))
        let connection = try HTTPTestConnection(port: port, timeout: timeout)
        defer { connection.close() }
        return try MetricsScrape(response: connection.request("GET", path, headers: fields))
    }

    /// GETs an `http://` URL on loopback (`127.0.0.1` or `localhost`), as `fetch(port:path:…)`.
    public static func fetch(
        url: String,
        accept: String? = nil,
        acceptEncoding: String? = nil,
        authorization: String? = nil,
        headers: [(String, String)] = [],
        timeout: Duration = .seconds(10)
    ) throws -> MetricsScrape {
        guard let components = URLComponents(string: url), components.scheme == "http",
            let host = components.host, host == "127.0.0.1" || host == "localhost"
        else { throw MetricsScrapeError.unsupportedURL(url) }
        let path =
            (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
            + (components.percentEncodedQuery.map { "?\($0)" } ?? "")
        return try Self.fetch(
            port: components.port ?? 80,
            path: path,
            accept: accept,
            acceptEncoding: acceptEncoding,
            authorization: authorization,
            headers: headers,
            timeout: timeout
        )
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return self.headers.first { $0.0 == lowered }?.1
    }

    /// The `Content-Type` header, if any.
    public var contentType: String? { self.header("content-type") }

    /// The (decompressed) body as UTF-8 text.
    public var text: String { String(decoding: self.body, as: UTF8.self) }

    /// The body parsed as a Prometheus text (or OpenMetrics) exposition.
    public func exposition() throws -> Exposition {
        try Exposition(parsing: self.text)
    }

    /// The body parsed as JSON, for `/stats`.
    public func json() throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(self.body))
        } catch {
            throw MetricsScrapeError.notJSON(String(self.text.prefix(200)))
        }
    }

    /// Decompresses gzip data with the `gzip` tool.
    public static func gunzip(_ data: [UInt8]) throws -> [UInt8] {
        let output = try ExternalCommand.run("gzip", ["-dc"], input: data)
        guard output.status == 0 else {
            throw MetricsScrapeError.badGzip(output.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return output.stdout
    }
}

/// Why a scrape could not be read.
public enum MetricsScrapeError: Error, CustomStringConvertible {
    /// Only plain `http://` URLs on loopback are fetched.
    case unsupportedURL(String)
    /// The response's `Content-Encoding` is neither identity nor gzip.
    case unsupportedEncoding(String)
    /// The body said gzip but `gzip -dc` refused it; carries gzip's message.
    case badGzip(String)
    /// The body is not JSON; carries its start.
    case notJSON(String)

    /// The message a failing test shows.
    public var description: String {
        switch self {
        case .unsupportedURL(let url): "only http:// URLs on 127.0.0.1 or localhost are fetched, not '\(url)'"
        case .unsupportedEncoding(let encoding): "unsupported Content-Encoding '\(encoding)'"
        case .badGzip(let message): "body marked Content-Encoding: gzip does not gunzip: \(message)"
        case .notJSON(let start): "body is not JSON; it starts: \(start)"
        }
    }
}
