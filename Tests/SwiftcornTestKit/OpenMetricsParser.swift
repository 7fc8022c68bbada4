/// Judges an OpenMetrics 1.0 exposition with the reference parser of PyPI's `prometheus_client`
/// (`prometheus_client.openmetrics.parser.text_string_to_metric_families`), through
/// `Tests/metrics/parse_openmetrics.py`. `make deps` installs the package for the `python3` on PATH.
public enum OpenMetricsParser {
    /// The helper script run with `python3`.
    public static var scriptPath: String {
        TestServer.packageRoot.appendingPathComponent("Tests/metrics/parse_openmetrics.py").path
    }

    /// Parses `body`; returns the script's summary (first line `N families, M samples`, then one
    /// `name type samples` line per family). Throws with the parser's error when it rejects the body.
    @discardableResult
    public static func check(body: [UInt8]) throws -> String {
        let output = try ExternalCommand.run("python3", [Self.scriptPath], input: body)
        guard output.status == 0 else {
            throw OpenMetricsParserError.rejected(
                status: output.status,
                message: (output.stderrText + output.stdoutText).trimmingCharacters(in: .whitespacesAndNewlines)
            )
        }
        return output.stdoutText
    }

    /// Parses `body`, as `check(body: [UInt8])`.
    @discardableResult
    public static func check(body: String) throws -> String {
        try Self.check(body: Array(body.utf8))
    }
}

/// The OpenMetrics reference parser refused an exposition.
public enum OpenMetricsParserError: Error, CustomStringConvertible {
    /// The script exited with `status`; `message` is the parser's error (or Python's, when
    /// `prometheus_client` is missing: exit status 2).
    case rejected(status: Int32, message: String)

    /// The message a failing test shows.
    public var description: String {
        switch self {
        case .rejected(let status, let message): "OpenMetrics parser rejected the exposition (exit \(status)): \(message)"
        }
    }
}
