import CoreMetrics

/// A swift-metrics instrument of the app (or of the server) recording into the worker's slot.
///
/// One type serves every handler protocol: the series kind decides what a call means.
/// `reset()` is ignored for counters: the exported counters must never go backwards.
package final class SlotInstrument: CounterHandler, FloatingPointCounterHandler, MeterHandler, RecorderHandler, TimerHandler, Sendable {
    private let series: SeriesHandle
    private let mirror: StatsdMirror?

    /// An instrument recording into `series`, and into statsd through `mirror` when given.
    package init(series: SeriesHandle, mirror: StatsdMirror? = nil) {
        self.series = series
        self.mirror = mirror
    }

    package func increment(by amount: Int64) {
        guard amount > 0 else { return }
        self.mirror?.record(self.series.kind, Double(amount))
        switch self.series.kind {
        case .counter: self.series.increment(by: UInt64(amount))
        case .floatCounter, .floatGauge: self.series.add(Double(amount))
        default: break
        }
    }

    package func increment(by amount: Double) {
        self.mirror?.record(self.series.kind, amount)
        switch self.series.kind {
        case .floatCounter where amount > 0, .floatGauge: self.series.add(amount)
        default: break
        }
    }

    package func decrement(by amount: Double) {
        guard self.series.kind == .floatGauge else { return }
        self.series.add(-amount)
    }

    package func set(_ value: Int64) {
        self.set(Double(value))
    }

    package func set(_ value: Double) {
        guard self.series.kind == .floatGauge else { return }
        self.mirror?.record(.floatGauge, value)
        self.series.set(value)
    }

    package func record(_ value: Int64) {
        self.record(Double(value))
    }

    package func record(_ value: Double) {
        self.mirror?.record(self.series.kind, value)
        switch self.series.kind {
        case .valueHistogram: self.series.observe(value)
        case .floatGauge: self.series.set(value)
        default: break
        }
    }

    package func recordNanoseconds(_ duration: Int64) {
        guard self.series.kind == .durationHistogram else { return }
        self.mirror?.record(.durationHistogram, Double(duration) / 1e6)
        self.series.observe(UInt64(max(duration, 0)))
    }

    package func reset() {
        if self.series.kind == .floatGauge {
            self.series.set(0.0)
        }
    }
}
