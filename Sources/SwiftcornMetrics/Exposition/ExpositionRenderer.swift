/// Writes a ``MetricsSnapshot`` and the master's own families as Prometheus text or OpenMetrics.
package struct ExpositionRenderer {
    /// The format written.
    package let format: ExpositionFormat
    /// `_created` of the master's own counters, in seconds since the epoch.
    package let masterStarted: Double

    /// A renderer for `format`.
    package init(format: ExpositionFormat, masterStarted: Double) {
        self.format = format
        self.masterStarted = masterStarted
    }

    /// The exposition of `snapshot` followed by `families`.
    package func render(_ snapshot: MetricsSnapshot, families: [MetricFamily]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4096 + snapshot.series.count * 160)
        self.render(snapshot, families: families, into: &bytes)
        return bytes
    }

    /// Writes the exposition into `bytes`, replacing what it held but keeping its memory.
    package func render(_ snapshot: MetricsSnapshot, families: [MetricFamily], into bytes: inout [UInt8]) {
        var buffer = ExpositionBuffer(reusing: &bytes)
        for family in snapshot.families {
            guard let first = family.members.first else { continue }
            let kind = snapshot.series[first].kind
            self.appendHeader(family.metric, kind: kind, into: &buffer)
            for member in family.members {
                let series = snapshot.series[member]
                guard series.kind == kind else { continue }
                self.append(series, totals: snapshot.totals, into: &buffer)
            }
        }
        for family in families {
            self.append(family, into: &buffer)
        }
        if self.format == .openMetrics {
            buffer.append("# EOF\n")
        }
        bytes = buffer.bytes
    }

    private func appendHeader(_ metric: String, kind: SeriesKind, into buffer: inout ExpositionBuffer) {
        let type: String
        switch kind {
        case .counter, .floatCounter: type = "counter"
        case .gauge, .floatGauge: type = "gauge"
        case .durationHistogram, .sizeHistogram, .valueHistogram: type = "histogram"
        }
        buffer.appendHeader(self.familyName(metric, counter: kind.isCounter), type: type, help: MetricHelp.text(for: metric))
    }

    /// OpenMetrics names a counter family without its `_total`, which only its sample carries.
    private func familyName(_ metric: String, counter: Bool) -> String {
        guard self.format == .openMetrics, counter, metric.hasSuffix("_total") else { return metric }
        return String(metric.dropLast(6))
    }

    private static let noSuffix: [UInt8] = []
    private static let bucketSuffix = Array("_bucket".utf8)
    private static let sumSuffix = Array("_sum".utf8)
    private static let countSuffix = Array("_count".utf8)

    private func append(_ series: AggregateSeries, totals: [UInt64], into buffer: inout ExpositionBuffer) {
        let offset = series.offset
        switch series.kind {
        case .durationHistogram, .sizeHistogram, .valueHistogram:
            self.appendHistogram(series, totals: totals, into: &buffer)
            return
        case .counter, .floatCounter, .gauge, .floatGauge:
            buffer.appendSeries(series.metricBytes, suffix: Self.noSuffix, labels: series.labelBytes)
        }
        switch series.kind {
        case .counter: buffer.append(totals[offset])
        case .gauge: buffer.append(Double(Int64(bitPattern: totals[offset])))
        default: buffer.append(Double(bitPattern: totals[offset]))
        }
        buffer.append(byte: UInt8(ascii: "\n"))
        if series.kind.isCounter {
            self.appendCreated(series.name.metric, counter: true, labels: series.name.labels, created: series.created, into: &buffer)
        }
    }

    private func appendHistogram(_ series: AggregateSeries, totals: [UInt64], into buffer: inout ExpositionBuffer) {
        guard let scheme = series.kind.buckets else { return }
        var cumulative: UInt64 = 0
        for bucket in 0...scheme.bounds.count {
            // The last is +Inf; the count is the buckets' sum, so a scrape racing an observation
            // stays consistent.
            cumulative &+= totals[series.offset + bucket]
            buffer.appendSeries(series.metricBytes, suffix: Self.bucketSuffix, labels: series.labelBytes, extra: scheme.leLabels[bucket])
            buffer.append(cumulative)
            buffer.append(byte: UInt8(ascii: "\n"))
        }
        let sumWord = totals[series.offset + scheme.bounds.count + 1]
        buffer.appendSeries(series.metricBytes, suffix: Self.sumSuffix, labels: series.labelBytes)
        switch series.kind {
        case .valueHistogram: buffer.append(Double(bitPattern: sumWord))
        case .durationHistogram: buffer.append(Double(sumWord) * scheme.exportScale)
        default: buffer.append(sumWord)
        }
        buffer.append(byte: UInt8(ascii: "\n"))
        buffer.appendSeries(series.metricBytes, suffix: Self.countSuffix, labels: series.labelBytes)
        buffer.append(cumulative)
        buffer.append(byte: UInt8(ascii: "\n"))
        self.appendCreated(series.name.metric, counter: false, labels: series.name.labels, created: series.created, into: &buffer)
    }

    private func appendCreated(_ metric: String, counter: Bool, labels: String, created: Double, into buffer: inout ExpositionBuffer) {
        guard self.format == .openMetrics else { return }
        buffer.appendSeries(counter ? self.familyName(metric, counter: true) : metric, suffix: "_created", labels: labels)
        buffer.append(created.rounded(.down))
        buffer.append(byte: UInt8(ascii: "\n"))
    }

    private func append(_ family: MetricFamily, into buffer: inout ExpositionBuffer) {
        let counter = family.kind == .counter
        buffer.appendHeader(self.familyName(family.name, counter: counter), type: counter ? "counter" : "gauge", help: family.help)
        for sample in family.samples {
            buffer.appendSeries(family.name, suffix: "", labels: sample.labels)
            buffer.append(sample.value)
            buffer.append(byte: UInt8(ascii: "\n"))
            if counter {
                self.appendCreated(family.name, counter: true, labels: sample.labels, created: self.masterStarted, into: &buffer)
            }
        }
    }
}
