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

    package func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        self.instrument(label, dimensions, .counter)
    }

    package func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        self.instrument(label, dimensions, .floatCounter)
    }

    package func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        self.instrument(label, dimensions, .floatGauge)
    }

    package func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        self.instrument(label, dimensions, aggregate ? .valueHistogram : .floatGauge)
    }

    package func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        self.instrument(label, dimensions, .durationHistogram)
    }

    package func destroyCounter(_ handler: any CounterHandler) {}
    package func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    package func destroyMeter(_ handler: any MeterHandler) {}
    package func destroyRecorder(_ handler: any RecorderHandler) {}
    package func destroyTimer(_ handler: any TimerHandler) {}
}
