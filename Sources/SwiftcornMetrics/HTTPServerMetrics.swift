import Synchronization

/// The server's own instruments in a worker: request durations, response sizes, active
/// requests and connections, in the slot under OpenTelemetry's names.
///
/// Duration and size series are looked up in a small cache under a lock (uncontended with one
/// event loop), keyed by the method's label so a client inventing methods cannot grow it; the
/// active-requests gauges exist from the start, one per method label, and need no lock. The
/// recording itself is a few relaxed atomic additions.
package final class HTTPServerMetrics: Sendable {
    private let writer: SlotWriter
    private let requestSeries: Mutex<[RequestSeriesKey: RequestSeries]>
    /// `http_server_active_requests` by method label, registered once.
    private let activeSeries: [String: SeriesHandle]
    private let accepted: SeriesHandle
    private let connections: SeriesHandle

    private struct RequestSeries {
        let duration: SeriesHandle
        let size: SeriesHandle
    }

    /// Instruments recording into `writer`'s slot.
    package init(writer: SlotWriter) {
        self.writer = writer
        self.requestSeries = Mutex([:])
        self.activeSeries = Dictionary(
            uniqueKeysWithValues: (Self.knownMethods + ["_OTHER"]).map { method in
                (
                    method,
                    writer.series(SeriesName("http_server_active_requests", labels: [("http_request_method", method)]), kind: .gauge)
                )
            }
        )
        self.accepted = writer.series(SeriesName("swiftcorn_connections_accepted_total"), kind: .counter)
        self.connections = writer.series(SeriesName("swiftcorn_connections_active"), kind: .gauge)
    }

    /// A connection opened: accepted, or passed on by a retiring worker (`accepted` false),
    /// which the accepted counter already counted once.
    package func connectionOpened(accepted: Bool = true) {
        if accepted { self.accepted.increment() }
        self.connections.adjust(by: 1)
    }

    /// A connection was closed.
    package func connectionClosed() {
        self.connections.adjust(by: -1)
    }

    /// A request head arrived.
    package func requestStarted(method: String) {
        self.activeSeries[Self.methodLabel(method)]?.adjust(by: 1)
        self.writer.inFlight(1)
    }

    /// A request ended: its response was sent (or the client left, status 499).
    package func requestFinished(method: String, status: Int, route: String?, durationNanoseconds: UInt64, bodyBytes: Int) {
        let label = Self.methodLabel(method)
        let key = RequestSeriesKey(method: label, status: status, route: route)
        let series = self.requestSeries.withLock { cache in
            if let series = cache[key] { return series }
            let series = self.register(key)
            cache[key] = series
            return series
        }
        series.duration.observe(durationNanoseconds)
        series.size.observe(UInt64(max(bodyBytes, 0)))
        self.activeSeries[label]?.adjust(by: -1)
        self.writer.inFlight(-1)
        self.writer.requestFinished()
    }

    /// A counter of the server's own, such as the statsd send counters.
    package func counter(_ metric: String, labels: [(String, String)] = []) -> SeriesHandle {
        self.writer.series(SeriesName(metric, labels: labels), kind: .counter)
    }

    private func register(_ key: RequestSeriesKey) -> RequestSeries {
        let method = key.method
        let status = String(key.status)
        var labels = [("http_request_method", method), ("http_response_status_code", status)]
        let sizeName = SeriesName("http_server_response_body_size_bytes", labels: labels)
        if let route = key.route {
            labels.append(("http_route", route))
        }
        return RequestSeries(
            duration: self.writer.series(SeriesName("http_server_request_duration_seconds", labels: labels), kind: .durationHistogram),
            size: self.writer.series(sizeName, kind: .sizeHistogram)
        )
    }

    /// OpenTelemetry's rule: known methods as they are, anything else `_OTHER`, so a client
    /// cannot create series at will.
    static func methodLabel(_ method: String) -> String {
        switch method {
        case "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH": method
        default: "_OTHER"
        }
    }

    private static let knownMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]
}

/// What distinguishes a request's series.
struct RequestSeriesKey: Hashable {
    /// The method's label: a known method or `_OTHER`.
    let method: String
    let status: Int
    let route: String?
}
