import SwiftcornConfig

extension LoggingConfiguration {
    /// A writer for the access stream's destinations, `nil` when there are none.
    public func makeAccessWriter(worker: Int) -> LogWriter? {
        self.makeWriter(self.accessLog, standard: .standardOutput, worker: worker)
    }

    /// A writer for the error stream's destinations, standard error when there are none.
    public func makeErrorWriter(worker: Int) -> LogWriter {
        self.makeWriter(self.errorLog.isEmpty ? ["-"] : self.errorLog, standard: .standardError, worker: worker)!
    }

    private func makeWriter(_ values: [String], standard: LogDestination, worker: Int) -> LogWriter? {
        guard !values.isEmpty else { return nil }
        return LogWriter(
            destinations: values.map { LogDestination(configured: $0, standard: standard) },
            format: self.format,
            journalIdentifier: self.journalIdentifier,
            capacity: self.queueSize,
            policy: self.overflow,
            worker: worker
        )
    }
}
