/// A worker's end as ``ServerHooks/childExit`` sees it.
public struct WorkerExitSummary: Sendable {
    /// The worker index, 1…N.
    public let workerIndex: Int
    /// The process id.
    public let pid: Int32
    /// Why it ended.
    public let reason: WorkerExitReason
    /// How it ended, as the master logs it, e.g. `exit status 0` or `signal 9 (SIGKILL)`.
    public let status: String

    /// A summary.
    public init(workerIndex: Int, pid: Int32, reason: WorkerExitReason, status: String) {
        self.workerIndex = workerIndex
        self.pid = pid
        self.reason = reason
        self.status = status
    }
}
