import Logging
import SwiftcornConfig

#if canImport(Glibc)
import Glibc
#endif

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

extension StatsdClient {
    /// Where and how a `StatsdClient` sends: gunicorn's `--statsd-host`, `--statsd-prefix` and `--dogstatsd-tags`.
    package struct Configuration: Sendable, Equatable {
        /// The statsd default port, used when an address has none.
        package static let defaultPort: UInt16 = 8125
        /// Gunicorn flushes immediately; one second keeps the packet rate independent of the request rate.
        package static let defaultFlushInterval: Duration = .seconds(1)
        /// Largest UDP payload accepted by the kernel for IPv4.
        private static let largestUDPPayload = 65_507

        /// Host name or IP literal (IPv6 without brackets).
        package var host: String
        /// UDP port of the statsd server.
        package var port: UInt16
        /// Prepended to every name with a `.`; empty means no prefix and no leading dot.
        package var prefix: String
        /// Dogstatsd tags, each `key:value`, appended to every line as `|#k:v,k2:v2`.
        package var tags: [String]
        /// How long a worker aggregates before sending.
        package var flushInterval: Duration
        /// Upper bound of one datagram's payload.
        package var maxDatagramSize: Int
        /// Timing samples kept per name per interval.
        package var maxTimingsPerName: Int

        /// Creates a configuration from an already split host and port.
        package init(
            host: String,
            port: UInt16 = Configuration.defaultPort,
            prefix: String = "",
            tags: [String] = [],
            flushInterval: Duration = Configuration.defaultFlushInterval,
            maxDatagramSize: Int = StatsdDatagramPacker.defaultMaxDatagramSize,
            maxTimingsPerName: Int = StatsdAggregator.defaultMaxTimingsPerName
        ) {
            self.host = host
            self.port = port
            self.prefix = prefix
            self.tags = tags
            self.flushInterval = flushInterval
            self.maxDatagramSize = maxDatagramSize
            self.maxTimingsPerName = maxTimingsPerName
        }

        /// Throws `StatsdClientError.invalidConfiguration` for values the client cannot work with.
        package func validate() throws {
            guard flushInterval > .zero else {
                throw StatsdClientError.invalidConfiguration("flush interval must be positive, got \(flushInterval)")
            }
            guard (1...Self.largestUDPPayload).contains(maxDatagramSize) else {
                throw StatsdClientError.invalidConfiguration(
                    "max datagram size must be 1...\(Self.largestUDPPayload), got \(maxDatagramSize)"
                )
            }
            guard maxTimingsPerName >= 0 else {
                throw StatsdClientError.invalidConfiguration("max timings per name must not be negative")
            }
            guard !host.isEmpty else {
                throw StatsdClientError.invalidConfiguration("empty host")
            }
        }
    }
}

extension StatsdClient {
    /// The client `configuration` asks for, `nil` when statsd is off.
    package static func start(for configuration: StatsdConfiguration) throws -> StatsdClient? {
        guard let host = configuration.host else { return nil }
        return try StatsdClient(
            configuration: Configuration(
                host: host.host,
                port: UInt16(host.port),
                prefix: configuration.prefix,
                tags: configuration.tags,
                flushInterval: configuration.flushInterval
            )
        )
    }

    /// Counts a log record of warning level or above as gunicorn does: `log.critical`,
    /// `log.error`, `log.warning`, and `log.exception` for records that carry an error.
    package func countLogRecord(level: Logger.Level, carriesError: Bool) {
        switch level {
        case .critical: self.count(StatsdMetricNames.logCritical)
        case .error: self.count(StatsdMetricNames.logError)
        case .warning: self.count(StatsdMetricNames.logWarning)
        default: break
        }
        if carriesError {
            self.count(StatsdMetricNames.logException)
        }
    }
}

/// Why a statsd client could not be configured or started; the description names the offending host or value.
package enum StatsdClientError: Error, Equatable, CustomStringConvertible {
    /// `getaddrinfo` could not resolve the host.
    case unresolvableHost(host: String, port: UInt16, reason: String)
    /// A socket, pipe or thread call failed with `errno`.
    case systemCallFailed(operation: String, errno: Int32)
    /// A configuration value is out of range.
    case invalidConfiguration(String)

    /// A message fit for a startup error log.
    package var description: String {
        switch self {
        case .unresolvableHost(let host, let port, let reason):
            "cannot resolve statsd host '\(host)' (port \(port)): \(reason)"
        case .systemCallFailed(let operation, let errorNumber):
            "statsd \(operation) failed: \(String(cString: strerror(errorNumber))) (errno \(errorNumber))"
        case .invalidConfiguration(let reason):
            "invalid statsd configuration: \(reason)"
        }
    }
}
