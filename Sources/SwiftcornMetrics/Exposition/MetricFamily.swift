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
