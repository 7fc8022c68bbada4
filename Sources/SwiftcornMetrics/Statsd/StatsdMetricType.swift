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
