import SwiftcornConfig
import SwiftcornLogging
import SwiftcornMetrics
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

extension Arbiter {
    /// The side port when `metrics.bind` is set, listening; `nil` (after logging why) when it
    /// cannot start, which stops the master: a scraper would otherwise see a dead target and no
    /// reason. A master started by a binary upgrade retries instead: the old master holds the port.
    func startSidePort(aggregator: MetricsAggregator?, stats: MasterStats, heartbeats: HeartbeatRegion, upgrading: Bool) -> SidePort?? {
        guard let bind = self.configuration.metrics.bind, let aggregator else { return .some(nil) }
        var token: String?
        if let path = self.configuration.metrics.authTokenFile {
            guard let contents = Self.readToken(path) else {
                self.logger.critical(
                    "cannot read metrics.auth_token_file",
                    metadata: ["file": "\(path)", "fix": "make it readable by the master, or unset metrics.auth_token_file"]
                )
                return nil
            }
            token = contents
        }
        let routes = SidePortRoutes(
            metricsPath: self.configuration.metrics.path,
            authToken: token,
            aggregator: aggregator,
            stats: stats,
            heartbeats: heartbeats,
            version: self.version
        )
        let sidePort = SidePort(address: bind, routes: routes)
        do {
            try sidePort.start()
            let address = sidePort.server?.localAddress.map { "\($0)" } ?? "\(bind)"
            self.logger.info("metrics side port listening", metadata: ["address": "\(address)", "path": "\(self.configuration.metrics.path)"])
        } catch  where upgrading {
            self.logger.info("metrics side port still held by the old master; retrying every second", metadata: ["address": "\(bind)"])
        } catch {
            self.logger.critical(
                "cannot listen on the metrics side port",
                metadata: ["address": "\(bind)", "error": "\(error)", "fix": "free the port, choose another with --metrics-bind, or set it to none"]
            )
            return nil
        }
        return .some(sidePort)
    }

    /// The master's statsd client, when configured; a bad address is logged and statsd stays off.
    func startStatsd() -> StatsdClient? {
        do {
            guard let statsd = try StatsdClient.start(for: self.configuration.statsd) else { return nil }
            ErrorLog.observeWarnings { level, carriesError in statsd.countLogRecord(level: level, carriesError: carriesError) }
            return statsd
        } catch {
            self.logger.error("statsd disabled: cannot set up the client", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// The token in `path`, without surrounding whitespace; `nil` when unreadable or empty.
    private static func readToken(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = fread(&buffer, 1, buffer.count, file)
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        let token = text.split(whereSeparator: { $0.isWhitespace }).first.map(String.init)
        return token?.isEmpty == false ? token : nil
    }
}
