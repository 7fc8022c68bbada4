import SwiftcornFormat

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

/// Bytes of an exposition being written, with number formatting that allocates nothing for
/// integers (most values of a scrape).
struct ExpositionBuffer {
    var bytes: [UInt8] = []

    /// Writes into `storage`'s memory, emptied: a scrape of megabytes then touches no new page.
    /// Takes the array out of `storage`, so the buffer is its only owner and no copy is made.
    init(reusing storage: inout [UInt8]) {
        swap(&self.bytes, &storage)
        self.bytes.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func append(_ text: String) {
        self.bytes.append(contentsOf: text.utf8)
    }

    @inline(__always)
    mutating func append(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { self.bytes.append(contentsOf: $0) }
    }

    /// `name` `suffix` `{labels,extra}` and a space, from pre-rendered bytes: the hot loop of a
    /// scrape, thousands of lines, without a `String` in sight.
    mutating func appendSeries(_ name: [UInt8], suffix: [UInt8], labels: [UInt8], extra: [UInt8] = []) {
        self.append(bytes: name)
        self.append(bytes: suffix)
        if !labels.isEmpty || !extra.isEmpty {
            self.bytes.append(UInt8(ascii: "{"))
            self.append(bytes: labels)
            if !labels.isEmpty && !extra.isEmpty { self.bytes.append(UInt8(ascii: ",")) }
            self.append(bytes: extra)
            self.bytes.append(UInt8(ascii: "}"))
        }
        self.bytes.append(UInt8(ascii: " "))
    }

    @inline(__always)
    mutating func append(byte: UInt8) {
        self.bytes.append(byte)
    }

    @inline(__always)
    mutating func append(_ value: UInt64) {
        DecimalDigits.append(value, to: &self.bytes)
    }

    /// A `Double` as both formats accept it: integral values without a fraction, `+Inf`, `NaN`.
    mutating func append(_ value: Double) {
        if value.isNaN {
            self.append("NaN")
        } else if value.isInfinite {
            self.append(value > 0 ? "+Inf" : "-Inf")
        } else if value >= 0 && value < 1e15 && value == value.rounded() {
            self.append(UInt64(value))
        } else {
            self.append(value.description)
        }
    }

    /// `name{labels,extra}` or `name{extra}` or `name`, then a space.
    mutating func appendSeries(_ name: String, suffix: String, labels: String, extra: String = "") {
        self.append(name)
        self.append(suffix)
        if !labels.isEmpty || !extra.isEmpty {
            self.append(byte: UInt8(ascii: "{"))
            self.append(labels)
            if !labels.isEmpty && !extra.isEmpty { self.append(byte: UInt8(ascii: ",")) }
            self.append(extra)
            self.append(byte: UInt8(ascii: "}"))
        }
        self.append(byte: UInt8(ascii: " "))
    }

    /// `# HELP` and `# TYPE` lines.
    mutating func appendHeader(_ name: String, type: String, help: String) {
        self.append("# HELP ")
        self.append(name)
        self.append(byte: UInt8(ascii: " "))
        self.append(help)
        self.append("\n# TYPE ")
        self.append(name)
        self.append(byte: UInt8(ascii: " "))
        self.append(type)
        self.append(byte: UInt8(ascii: "\n"))
    }
}

/// The text formats a scrape can be answered in.
package enum ExpositionFormat: Sendable {
    /// Prometheus text format 0.0.4.
    case prometheus
    /// OpenMetrics 1.0: counters as `_total` with `_created`, ending in `# EOF`.
    case openMetrics

    /// The format a scraper's `Accept` header asks for.
    package init(accept: String?) {
        if let accept, accept.contains("application/openmetrics-text") {
            self = .openMetrics
        } else {
            self = .prometheus
        }
    }

    /// The response's `Content-Type`.
    package var contentType: String {
        switch self {
        case .prometheus: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }
}

/// A family the master computes itself at scrape time (process, workers, restarts…), as
/// opposed to the families summed from the workers' slots.
package struct MetricFamily: Sendable {
    /// Counter or gauge.
    package enum Kind: Sendable {
        /// Only goes up; the name ends in `_total`.
        case counter
        /// Goes up and down.
        case gauge
    }

    /// One labelled value.
    package struct Sample: Sendable {
        /// Labels as exposed, without braces (see ``SeriesName``).
        package var labels: String
        /// The value.
        package var value: Double

        /// A sample with `labels` given as pairs.
        package init(_ labels: [(String, String)] = [], _ value: Double) {
            self.labels = SeriesName("", labels: labels).labels
            self.value = value
        }
    }

    /// The metric name.
    package var name: String
    /// The `# HELP` text.
    package var help: String
    /// Counter or gauge.
    package var kind: Kind
    /// Its samples.
    package var samples: [Sample]

    /// A family.
    package init(_ name: String, _ kind: Kind, help: String, samples: [Sample]) {
        self.name = name
        self.kind = kind
        self.help = help
        self.samples = samples
    }
}

/// `# HELP` texts of the series the server itself records in the workers' slots.
package enum MetricHelp {
    /// The help of `metric`; app-defined metrics get a generic line naming their origin.
    package static func text(for metric: String) -> String {
        Self.builtIn[metric] ?? "Application metric (swift-metrics)."
    }

    private static let builtIn: [String: String] = [
        "http_server_request_duration_seconds": "Duration of HTTP server requests, from the parsed request head to the last response byte.",
        "http_server_active_requests": "HTTP server requests in progress.",
        "http_server_response_body_size_bytes": "Size of HTTP server response bodies.",
        "swiftcorn_connections_accepted_total": "Connections the workers accepted.",
        "swiftcorn_connections_active": "Connections the workers hold open.",
        "swiftcorn_log_records_total": "Log records written, by sink and stream.",
        "swiftcorn_log_records_dropped_total": "Log records dropped because a sink's queue was full (drop policy).",
        "swiftcorn_log_records_fallback_total": "Log records journald refused, written to stderr instead.",
        "swiftcorn_statsd_packets_total": "statsd datagrams sent.",
        "swiftcorn_statsd_errors_total": "statsd datagrams that could not be sent.",
    ]
}
