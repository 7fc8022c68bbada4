/// `# HELP` texts of the series the server itself records in the workers' slots.
package enum MetricHelp {
    /// The help of `metric`; app-defined metrics get a generic line naming their origin.
    package static func text(for metric: String) -> String {
        Self.builtIn[metric] ?? "Application metric (swift-metrics)."
    }

    private static let builtIn: [String: String] = [
        "http_server_request_duration_seconds": "Duration of HTTP server requests, from the first request byte to the last response byte.",
        "http_server_active_requests": "HTTP server requests in progress.",
        "http_server_response_body_size_bytes": "Size of HTTP server response bodies.",
        "swiftcorn_connections_accepted_total": "Connections the workers accepted.",
        "swiftcorn_connections_active": "Connections the workers hold open.",
        "swiftcorn_log_records_total": "Log records written, by sink and stream.",
        "swiftcorn_log_records_dropped_total": "Log records dropped because a sink's queue was full (drop policy).",
        "swiftcorn_log_records_fallback_total": "Log records journald refused, written to stderr instead.",
        "swiftcorn_statsd_packets_total": "statsd datagrams sent.",
        "swiftcorn_statsd_errors_total": "statsd datagrams that could not be sent.",
    ]
}
