/// What one live worker's slot header says at a scrape.
package struct WorkerSample: Sendable {
    /// The worker index, 1…N.
    package let workerIndex: Int
    /// The worker's pid.
    package let pid: Int32
    /// Requests it finished.
    package let requests: UInt64
    /// Requests in progress.
    package let inFlight: Int64
}
