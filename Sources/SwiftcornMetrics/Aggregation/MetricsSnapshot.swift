/// Every worker's metrics summed at one moment: what a scrape renders.
package struct MetricsSnapshot: Sendable {
    /// The aggregate series, in registration order.
    package var series: [AggregateSeries]
    /// Families: a metric name and its series' indices, sorted by name.
    package var families: [(metric: String, members: [Int])]
    /// Retired plus live words, by ``AggregateSeries/offset``; `Double` words hold bits.
    package var totals: [UInt64]
    /// The live workers.
    package var workers: [WorkerSample]
    /// Requests finished by exited workers, by worker index.
    package var retiredRequests: [Int: UInt64]
    /// CPU seconds of exited workers, by worker index.
    package var retiredCPUSeconds: [Int: Double]
    /// Series registrations folded into `_OTHER`, all workers ever.
    package var droppedSeries: UInt64

    /// Requests finished by worker index `index`, its exited predecessors included.
    package func requests(workerIndex index: Int) -> UInt64 {
        self.workers.filter { $0.workerIndex == index }.reduce(self.retiredRequests[index] ?? 0) { $0 &+ $1.requests }
    }
}
