import CoreMetrics

/// The swift-metrics backend of a worker: every instrument lands in the worker's slot and so in
/// the master's aggregate.
///
/// Names and dimension keys are made valid Prometheus names; counters get a `_total` suffix when
/// they lack one; timers export seconds with OpenTelemetry's duration buckets; recorders that
/// aggregate become histograms with Prometheus's default buckets; gauges and meters are summed
/// over live workers (add a dimension such as `worker` to keep them apart).
package struct SlotMetricsFactory: MetricsFactory {
    private let writer: SlotWriter
    private let statsd: StatsdClient?

    /// A factory writing into `writer`'s slot, and mirroring to `statsd` when given
    /// (`statsd.include_app_metrics`).
    package init(writer: SlotWriter, statsd: StatsdClient? = nil) {
        self.writer = writer
        self.statsd = statsd
    }

    private func instrument(_ label: String, _ dimensions: [(String, String)], _ kind: SeriesKind) -> SlotInstrument {
        var metric = SeriesName.sanitize(label)
        if kind.isCounter && !metric.hasSuffix("_total") {
            metric += "_total"
        }
        let labels = dimensions.map { (SeriesName.sanitize($0.0, allowColon: false), $0.1) }
        let mirror = self.statsd.map { StatsdMirror(client: $0, name: label) }
        return SlotInstrument(series: self.writer.series(SeriesName(metric, labels: labels), kind: kind), mirror: mirror)
    }

    /// A counter, exported as `NAME_total`.
    package func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        self.instrument(label, dimensions, .counter)
    }

    /// A counter of fractional increments, exported as `NAME_total`.
    package func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        self.instrument(label, dimensions, .floatCounter)
    }

    /// A gauge, summed over live workers.
    package func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        self.instrument(label, dimensions, .floatGauge)
    }

    /// A histogram with Prometheus's default buckets when `aggregate`, otherwise a gauge.
    package func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        self.instrument(label, dimensions, aggregate ? .valueHistogram : .floatGauge)
    }

    /// A histogram in seconds, with OpenTelemetry's duration buckets.
    package func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        self.instrument(label, dimensions, .durationHistogram)
    }

    // A slot never drops a series while its worker lives: the master sums the slots, and a
    // series that vanished would make a counter's sum go back.

    /// Keeps the counter's series.
    package func destroyCounter(_ handler: any CounterHandler) {}
    /// Keeps the counter's series.
    package func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    /// Keeps the gauge's series.
    package func destroyMeter(_ handler: any MeterHandler) {}
    /// Keeps the recorder's series.
    package func destroyRecorder(_ handler: any RecorderHandler) {}
    /// Keeps the timer's series.
    package func destroyTimer(_ handler: any TimerHandler) {}
}

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

/// Sends an app instrument's updates to statsd too, under the instrument's own label.
package struct StatsdMirror: Sendable {
    let client: StatsdClient
    let name: String

    /// Records `value` as statsd understands `kind`: counters count, gauges set, histograms and
    /// timers (in milliseconds) become timings.
    func record(_ kind: SeriesKind, _ value: Double) {
        switch kind {
        case .counter, .floatCounter: self.client.count(self.name, by: Int64(value.rounded()))
        case .gauge, .floatGauge: self.client.gauge(self.name, value)
        case .durationHistogram, .sizeHistogram, .valueHistogram: self.client.timing(self.name, milliseconds: value)
        }
    }
}
