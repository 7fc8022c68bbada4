import Synchronization

/// Collects one flush interval of metrics in memory so a request only pays for a short lock and a dictionary update.
///
/// Counters are summed, gauges keep their last value, timings keep every sample (statsd servers compute percentiles
/// from them) up to `maxTimingsPerName` per name per interval.
package final class StatsdAggregator: Sendable {
    private struct Interval {
        var counters: [String: Int64] = [:]
        var gauges: [String: Double] = [:]
        var timings: [String: [Double]] = [:]
    }

    /// Bounds memory and flush size when a hot timer fires far more often than statsd needs for percentiles.
    package static let defaultMaxTimingsPerName = 10_000

    /// Samples kept per timing name per interval; the excess is counted in `droppedValues`.
    package let maxTimingsPerName: Int

    private let interval = Mutex(Interval())
    private let droppedValueCount = Atomic<UInt64>(0)

    /// Timing samples beyond the cap plus non-finite values, since creation.
    package var droppedValues: UInt64 {
        droppedValueCount.load(ordering: .relaxed)
    }

    /// Creates an empty aggregator.
    package init(maxTimingsPerName: Int = StatsdAggregator.defaultMaxTimingsPerName) {
        self.maxTimingsPerName = maxTimingsPerName
    }

    /// Adds `amount` to the counter `name` for this interval.
    package func count(_ name: String, by amount: Int64 = 1) {
        interval.withLock { interval in
            // Wrapping: a metrics overflow must never trap a worker.
            interval.counters[name, default: 0] &+= amount
        }
    }

    /// Sets the gauge `name`; the last value of the interval is sent.
    package func gauge(_ name: String, _ value: Double) {
        guard value.isFinite else {
            droppedValueCount.add(1, ordering: .relaxed)
            return
        }
        interval.withLock { interval in
            interval.gauges[name] = value
        }
    }

    /// Records one timing sample for `name`.
    package func timing(_ name: String, milliseconds: Double) {
        guard milliseconds.isFinite else {
            droppedValueCount.add(1, ordering: .relaxed)
            return
        }
        let accepted = interval.withLock { interval in
            if let samples = interval.timings[name], samples.count >= maxTimingsPerName {
                return false
            }
            interval.timings[name, default: []].append(milliseconds)
            return true
        }
        if !accepted {
            droppedValueCount.add(1, ordering: .relaxed)
        }
    }

    /// Takes everything recorded since the last drain and encodes it, one entry per counter, gauge and timing
    /// sample, sorted by name so consecutive flushes look alike.
    package func drain(encodingWith encoder: StatsdLineEncoder) -> [[UInt8]] {
        // Swap under the lock, encode outside it, so requests never wait for a flush.
        let drained = interval.withLock { interval in
            defer { interval = Interval() }
            return interval
        }
        var lines: [[UInt8]] = []
        lines.reserveCapacity(drained.counters.count + drained.gauges.count + drained.timings.count)
        for (name, total) in drained.counters.sorted(by: { $0.key < $1.key }) {
            lines.append(encoder.counter(name, total))
        }
        for (name, value) in drained.gauges.sorted(by: { $0.key < $1.key }) {
            lines.append(encoder.gauge(name, value))
        }
        for (name, samples) in drained.timings.sorted(by: { $0.key < $1.key }) {
            for milliseconds in samples {
                lines.append(encoder.timing(name, milliseconds: milliseconds))
            }
        }
        return lines
    }
}

/// The statsd metric kinds Swiftcorn emits; each maps to the type code after the `|` of a line.
package enum StatsdMetricType: Sendable, Equatable {
    /// `c`: summed by the statsd server over its flush interval.
    case counter
    /// `g`: last value wins.
    case gauge
    /// `ms`: one sample per line, the server computes percentiles.
    case timer

    /// The type code as it appears on the wire.
    package var code: String {
        switch self {
        case .counter: "c"
        case .gauge: "g"
        case .timer: "ms"
        }
    }
}

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
