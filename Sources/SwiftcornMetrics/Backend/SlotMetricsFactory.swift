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
