/// The text formats a scrape can be answered in.
package enum ExpositionFormat: Sendable {
    /// Prometheus text format 0.0.4.
    case prometheus
    /// OpenMetrics 1.0: counters as `_total` with `_created`, ending in `# EOF`.
    case openMetrics

    /// The format a scraper's `Accept` header asks for.
    package init(accept: String?) {
        if let accept, accept.contains("application/openmetrics-text") {
            self = .openMetrics
        } else {
            self = .prometheus
        }
    }

    /// The response's `Content-Type`.
    package var contentType: String {
        switch self {
        case .prometheus: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }
}
