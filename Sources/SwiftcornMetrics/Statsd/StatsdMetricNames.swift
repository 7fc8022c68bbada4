/// Gunicorn's statsd metric names (without the configured prefix), so existing dashboards keep working.
package enum StatsdMetricNames {
    /// Counter, one per request.
    package static let requests = "requests"
    /// Timer, request duration in milliseconds.
    package static let requestDuration = "request.duration"
    /// Gauge, number of workers, sent by the master.
    package static let workers = "workers"
    /// Counter, one per critical log line.
    package static let logCritical = "log.critical"
    /// Counter, one per error log line.
    package static let logError = "log.error"
    /// Counter, one per warning log line.
    package static let logWarning = "log.warning"
    /// Counter, one per logged exception.
    package static let logException = "log.exception"

    private static let statusCodeRange = 100...599
    // Built once so the per-request path does not format a string for every response.
    private static let statusNames: [String] = statusCodeRange.map { "request.status.\($0)" }

    /// Counter name for responses with `statusCode`, e.g. `request.status.404`.
    package static func requestStatus(_ statusCode: Int) -> String {
        guard statusCodeRange.contains(statusCode) else {
            return "request.status.\(statusCode)"
        }
        return statusNames[statusCode - statusCodeRange.lowerBound]
    }
}
