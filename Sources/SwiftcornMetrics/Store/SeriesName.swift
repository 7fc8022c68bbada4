/// The identity of a series: a metric name and its labels, already escaped for the exposition
/// formats, so the master copies them to the output as they are.
package struct SeriesName: Sendable, Hashable {
    /// The metric name, e.g. `http_server_request_duration_seconds`.
    package let metric: String
    /// Labels as exposed, without braces: `method="GET",route="/x"`; empty when none.
    package let labels: String

    /// A series of `metric` with `labels` in the given order (values are escaped here).
    package init(_ metric: String, labels: [(String, String)] = []) {
        self.metric = metric
        var text = ""
        for (offset, (name, value)) in labels.enumerated() {
            if offset > 0 { text += "," }
            text += name
            text += "=\""
            text += Self.escape(value)
            text += "\""
        }
        self.labels = text
    }

    /// A series from its stored form.
    package init(metric: String, escapedLabels: String) {
        self.metric = metric
        self.labels = escapedLabels
    }

    /// `metric\0labels`, as stored in a slot.
    package var stored: [UInt8] {
        Array(self.metric.utf8) + [0] + Array(self.labels.utf8)
    }

    /// Parses the stored form.
    package init?(stored bytes: UnsafeBufferPointer<UInt8>) {
        guard let separator = bytes.firstIndex(of: 0) else { return nil }
        self.metric = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<separator]), as: UTF8.self)
        self.labels = String(decoding: UnsafeBufferPointer(rebasing: bytes[(separator + 1)...]), as: UTF8.self)
    }

    /// Label values escape `\`, `"` and newline (both exposition formats agree).
    package static func escape(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
            return value
        }
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// A valid metric or label name: characters outside `[a-zA-Z0-9_]` (and `:` in metric names)
    /// become `_`, and a leading digit gets a `_` in front.
    package static func sanitize(_ name: String, allowColon: Bool = true) -> String {
        var result = ""
        for scalar in name.unicodeScalars {
            let valid =
                (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
                || scalar == "_" || (allowColon && scalar == ":")
            result.unicodeScalars.append(valid ? scalar : "_")
        }
        if let first = result.unicodeScalars.first, first >= "0" && first <= "9" {
            result = "_" + result
        }
        return result.isEmpty ? "_" : result
    }

    /// The same labels with every value replaced by `_OTHER`, for series past the budget.
    package var overflow: SeriesName {
        guard !self.labels.isEmpty else { return self }
        var text = ""
        var inValue = false
        var escaped = false
        for character in self.labels.unicodeScalars {
            if inValue {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inValue = false
                    text += "_OTHER\""
                }
                continue
            }
            text.unicodeScalars.append(character)
            if character == "\"" { inValue = true }
        }
        return SeriesName(metric: self.metric, escapedLabels: text)
    }
}

/// What a series holds, how many words it takes in a slot, and how workers' values combine.
package enum SeriesKind: UInt8, Sendable, Hashable {
    /// An integer counter: one word.
    case counter = 1
    /// A floating-point counter: one word holding a `Double`'s bits.
    case floatCounter = 2
    /// An integer gauge: one word holding an `Int64`'s bits; summed over live workers only.
    case gauge = 3
    /// A floating-point gauge: one word holding a `Double`'s bits; summed over live workers only.
    case floatGauge = 4
    /// Durations in nanoseconds, exported in seconds with OpenTelemetry's buckets.
    case durationHistogram = 5
    /// Sizes in bytes.
    case sizeHistogram = 6
    /// Arbitrary `Double` values with Prometheus's default buckets; the sum is a `Double`'s bits.
    case valueHistogram = 7

    /// The bucket boundaries of a histogram kind.
    package var buckets: BucketScheme? {
        switch self {
        case .durationHistogram: .duration
        case .sizeHistogram: .size
        case .valueHistogram: .value
        case .counter, .floatCounter, .gauge, .floatGauge: nil
        }
    }

    /// Words in a slot: one for scalars; for histograms one per bucket (the last is `+Inf`),
    /// then the sum, then the count.
    package var wordCount: Int {
        guard let buckets else { return 1 }
        return buckets.bounds.count + 3
    }

    /// Whether a dead worker's value disappears instead of being kept in the retired total.
    package var isGauge: Bool { self == .gauge || self == .floatGauge }

    /// Whether it is a counter (exported with `_total` and, in OpenMetrics, `_created`).
    package var isCounter: Bool { self == .counter || self == .floatCounter }
}
