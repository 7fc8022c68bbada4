/// A destination of log records, used only by its ``LogWriter``'s thread.
protocol LogSink: AnyObject {
    /// Writes `entries`, in order.
    func write(_ entries: [LogEntry])
    /// Reopens what can be reopened, after an outside tool moved a file.
    func reopen()
    /// Releases what the sink holds open; nothing is written afterwards.
    func close()
}
