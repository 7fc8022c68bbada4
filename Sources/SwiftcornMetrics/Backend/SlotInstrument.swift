import CoreMetrics

/// A swift-metrics instrument of the app (or of the server) recording into the worker's slot.
///
/// One type serves every handler protocol: the series kind decides what a call means, and a
/// call that does not fit the kind (a `record` on a counter) is ignored. `reset()` is ignored
/// for counters: the exported counters must never go backwards. A gauge is mirrored to statsd
/// with its value after the change, never with the step.
package final class SlotInstrument: CounterHandler, FloatingPointCounterHandler, MeterHandler, RecorderHandler, TimerHandler, Sendable {
    private let series: SeriesHandle
    private let mirror: StatsdMirror?

    /// An instrument recording into `series`, and into statsd through `mirror` when given.
    package init(series: SeriesHandle, mirror: StatsdMirror? = nil) {
        self.series = series
        self.mirror = mirror
    }

    /// Counter: adds `amount` (negative amounts are ignored).
    package func increment(by amount: Int64) {
        self.increment(by: Double(amount))
    }

    /// Counter or meter: adds `amount`.
    package func increment(by amount: Double) {
        switch self.series.kind {
        case .counter where amount > 0:
            self.series.increment(by: UInt64(amount))
            self.mirror?.record(.counter, amount)
        case .floatCounter where amount > 0:
            self.series.add(amount)
            self.mirror?.record(.floatCounter, amount)
        case .floatGauge:
            self.adjustGauge(by: amount)
        default:
            break
        }
    }

    /// Meter: subtracts `amount`.
    package func decrement(by amount: Double) {
        guard self.series.kind == .floatGauge else { return }
        self.adjustGauge(by: -amount)
    }

    /// Meter: sets the value.
    package func set(_ value: Int64) {
        self.set(Double(value))
    }

    /// Meter: sets the value.
    package func set(_ value: Double) {
        guard self.series.kind == .floatGauge else { return }
        self.series.set(value)
        self.mirror?.record(.floatGauge, value)
    }

    /// Recorder: observes a value (histogram), or sets it (a gauge, `aggregate: false`).
    package func record(_ value: Int64) {
        self.record(Double(value))
    }

    /// Recorder: observes a value (histogram), or sets it (a gauge, `aggregate: false`).
    package func record(_ value: Double) {
        switch self.series.kind {
        case .valueHistogram:
            self.series.observe(value)
            self.mirror?.record(.valueHistogram, value)
        case .floatGauge:
            self.set(value)
        default:
            break
        }
    }

    /// Timer: observes a duration.
    package func recordNanoseconds(_ duration: Int64) {
        guard self.series.kind == .durationHistogram else { return }
        self.series.observe(UInt64(max(duration, 0)))
        self.mirror?.record(.durationHistogram, Double(duration) / 1e6)
    }

    /// Meter or gauge: back to zero; ignored for counters.
    package func reset() {
        if self.series.kind == .floatGauge {
            self.set(0.0)
        }
    }

    private func adjustGauge(by amount: Double) {
        self.series.add(amount)
        self.mirror?.record(.floatGauge, self.series.doubleValue)
    }
}
