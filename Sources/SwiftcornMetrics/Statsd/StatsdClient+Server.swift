import Logging
import SwiftcornConfig

extension StatsdClient {
    /// The client `configuration` asks for, `nil` when statsd is off.
    package static func start(for configuration: StatsdConfiguration) throws -> StatsdClient? {
        guard let host = configuration.host else { return nil }
        return try StatsdClient(
            configuration: Configuration(
                address: host,
                prefix: configuration.prefix,
                tags: configuration.tags,
                flushInterval: configuration.flushInterval
            )
        )
    }

    /// Counts a log record of warning level or above as gunicorn does: `log.critical`,
    /// `log.error`, `log.warning`, and `log.exception` for records that carry an error.
    package func countLogRecord(level: Logger.Level, carriesError: Bool) {
        switch level {
        case .critical: self.count(StatsdMetricNames.logCritical)
        case .error: self.count(StatsdMetricNames.logError)
        case .warning: self.count(StatsdMetricNames.logWarning)
        default: break
        }
        if carriesError {
            self.count(StatsdMetricNames.logException)
        }
    }
}
