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
