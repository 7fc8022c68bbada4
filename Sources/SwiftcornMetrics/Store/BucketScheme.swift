/// The upper bounds of a histogram's buckets, as the worker compares them and as they are exported.
///
/// Buckets are stored per bucket (not cumulative): one atomic increment per observation.
package struct BucketScheme: Sendable {
    /// Upper bounds in the unit the worker records (nanoseconds, bytes, or `Double` bits).
    package let bounds: [UInt64]
    /// The same bounds as `le` label values.
    package let labels: [String]
    /// Multiplier from the recorded unit to the exported one (nanoseconds → seconds).
    package let exportScale: Double
    /// `le="…"` of each bucket, `+Inf` last, as the exposition writes them.
    let leLabels: [[UInt8]]

    /// OpenTelemetry's HTTP server duration buckets, 5 ms … 10 s, recorded in nanoseconds.
    package static let duration = BucketScheme(
        seconds: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]
    )
    /// Response sizes, 100 B … 100 MB by powers of ten.
    package static let size = BucketScheme(
        bounds: [100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000],
        labels: ["100", "1000", "10000", "100000", "1e+06", "1e+07", "1e+08"],
        exportScale: 1
    )
    /// Prometheus client libraries' default buckets, for app recorders.
    package static let value = BucketScheme(
        bounds: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10].map(\.bitPattern),
        labels: ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10"],
        exportScale: 1
    )

    private init(seconds: [Double]) {
        self.init(
            bounds: seconds.map { UInt64(($0 * 1e9).rounded()) },
            labels: seconds.map { $0 == $0.rounded() ? String(Int($0)) : String($0) },
            exportScale: 1e-9
        )
    }

    private init(bounds: [UInt64], labels: [String], exportScale: Double) {
        self.bounds = bounds
        self.labels = labels
        self.exportScale = exportScale
        self.leLabels = (labels + ["+Inf"]).map { Array("le=\"\($0)\"".utf8) }
    }

    /// The bucket of an integer observation: the first bound it does not exceed, else `+Inf`.
    @inline(__always)
    package func bucket(of value: UInt64) -> Int {
        var index = 0
        while index < self.bounds.count && value > self.bounds[index] { index += 1 }
        return index
    }

    /// The bucket of a `Double` observation (``value`` scheme).
    @inline(__always)
    package func bucket(of value: Double) -> Int {
        var index = 0
        while index < self.bounds.count && value > Double(bitPattern: self.bounds[index]) { index += 1 }
        return index
    }
}
