/// A worker's (or the master's) statsd client: aggregates metrics in memory and sends them every flush interval
/// from its own thread over a non-blocking UDP socket, so recording never blocks a request.
///
/// Create it after `fork()` (threads do not survive a fork) and call `shutdown()` on exit so the last interval is
/// sent. Send errors are counted in `sendErrors`, never thrown.
package final class StatsdClient: Sendable {
    /// The configuration the client was started with.
    package let configuration: Configuration
    private let aggregator: StatsdAggregator
    private let flusher: StatsdFlusher
    private let flushThread: StatsdFlushThread

    /// Resolves the host, connects the socket and starts the flush thread.
    /// Throws `StatsdClientError` for a bad configuration or an unresolvable host.
    package init(configuration: Configuration) throws {
        try configuration.validate()
        let socket = try StatsdSocket(host: configuration.host, port: configuration.port)
        let aggregator = StatsdAggregator(maxTimingsPerName: configuration.maxTimingsPerName)
        let flusher = StatsdFlusher(
            aggregator: aggregator,
            encoder: StatsdLineEncoder(prefix: configuration.prefix, tags: configuration.tags),
            socket: socket,
            maxDatagramSize: configuration.maxDatagramSize
        )
        self.configuration = configuration
        self.aggregator = aggregator
        self.flusher = flusher
        self.flushThread = try StatsdFlushThread(interval: configuration.flushInterval) { flusher.flush() }
    }

    deinit {
        shutdown()
    }

    /// Datagrams sent successfully (exported as `swiftcorn_statsd_packets_total`).
    package var packetsSent: UInt64 { flusher.packetsSent }
    /// Datagrams lost to send errors (exported as `swiftcorn_statsd_errors_total`).
    package var sendErrors: UInt64 { flusher.sendErrors }
    /// `errno` of the most recent failed send, 0 if none failed.
    package var lastSendError: Int32 { flusher.lastSendError }
    /// Lines dropped because one alone exceeded `maxDatagramSize`.
    package var droppedLines: UInt64 { flusher.droppedLines }
    /// Timing samples over the per-interval cap, and non-finite values.
    package var droppedValues: UInt64 { aggregator.droppedValues }

    /// Adds `amount` to the counter `name`.
    package func count(_ name: String, by amount: Int64 = 1) {
        aggregator.count(name, by: amount)
    }

    /// Sets the gauge `name`; the last value of the interval is sent.
    package func gauge(_ name: String, _ value: Double) {
        aggregator.gauge(name, value)
    }

    /// Records one timing sample in milliseconds.
    package func timing(_ name: String, milliseconds: Double) {
        aggregator.timing(name, milliseconds: milliseconds)
    }

    /// Records one timing sample.
    package func timing(_ name: String, _ duration: Duration) {
        aggregator.timing(name, milliseconds: Self.milliseconds(duration))
    }

    /// Records gunicorn's per-request metrics: `requests`, `request.duration` and `request.status.<code>`.
    package func recordRequest(status: Int, duration: Duration) {
        aggregator.count(StatsdMetricNames.requests)
        aggregator.count(StatsdMetricNames.requestStatus(status))
        aggregator.timing(StatsdMetricNames.requestDuration, milliseconds: Self.milliseconds(duration))
    }

    /// Sends what is pending now, on the calling thread.
    package func flushNow() {
        flusher.flush()
    }

    /// Stops the flush thread, then sends what is pending. Idempotent; metrics recorded afterwards are only sent by
    /// `flushNow()`.
    package func shutdown() {
        flushThread.stop()
        flusher.flush()
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
