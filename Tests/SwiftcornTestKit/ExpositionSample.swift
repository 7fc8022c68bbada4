/// One sample line of a Prometheus text exposition: `name{label="value",…} value [timestamp]`.
public struct ExpositionSample: Sendable, Equatable, CustomStringConvertible {
    /// The metric name as written on the line, suffix included (`…_total`, `…_bucket`, `…_sum`).
    public let name: String
    /// The labels, escapes (`\\`, `\"`, `\n`) undone.
    public let labels: [String: String]
    /// The value; `+Inf`, `-Inf` and `NaN` included.
    public let value: Double
    /// The optional timestamp (milliseconds in the Prometheus format, seconds in OpenMetrics).
    public let timestamp: Double?

    /// A sample with the given parts.
    public init(name: String, labels: [String: String] = [:], value: Double, timestamp: Double? = nil) {
        self.name = name
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
    }

    /// Whether every label in `subset` is present here with the same value.
    public func matches(_ subset: [String: String]) -> Bool {
        subset.allSatisfy { self.labels[$0.key] == $0.value }
    }

    /// The sample back in exposition syntax, labels sorted by name.
    public var description: String {
        let labelText = self.labels.sorted { $0.key < $1.key }.map { key, value in
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\(key)=\"\(escaped)\""
        }
        let labelPart = labelText.isEmpty ? "" : "{\(labelText.joined(separator: ","))}"
        return "\(self.name)\(labelPart) \(self.value)"
    }

    /// Two samples are equal when name, labels and timestamp are, and values are equal or both NaN.
    public static func == (lhs: ExpositionSample, rhs: ExpositionSample) -> Bool {
        lhs.name == rhs.name && lhs.labels == rhs.labels && lhs.timestamp == rhs.timestamp
            && (lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN))
    }
}
