import CoreMetrics
import Logging
import NIOCore
import SwiftcornConfig
import SwiftcornLogging
import SwiftcornMetrics
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

extension WorkerProcess {
    /// Installs the swift-metrics backend on the worker's `slot` when it is measured (before the
    /// app is built, so the app's instruments land there) and starts statsd.
    static func startInstruments(index: Int, slot: WorkerSlot?, configuration: ServerConfiguration, logger: Logger) -> WorkerInstruments {
        var statsd: StatsdClient?
        do {
            statsd = try StatsdClient.start(for: configuration.statsd)
        } catch {
            // statsd is best effort: the worker serves without it and says why.
            logger.error("statsd disabled: cannot set up the client", metadata: ["host": "\(configuration.statsd.host.map { "\($0)" } ?? "")", "error": "\(error)"])
        }
        if let statsd {
            ErrorLog.observeWarnings { level, carriesError in statsd.countLogRecord(level: level, carriesError: carriesError) }
        }
        guard let slot else { return WorkerInstruments(http: nil, statsd: statsd) }
        let writer = SlotWriter(slot: slot.metrics, workerIndex: index)
        let mirror = configuration.statsd.includeAppMetrics ? statsd : nil
        MetricsSystem.bootstrap(SlotMetricsFactory(writer: writer, statsd: mirror))
        return WorkerInstruments(http: HTTPServerMetrics(writer: writer), statsd: statsd)
    }

    /// Exports the statsd client's send counters and the log writers' record counts into the
    /// slot, every second; the returned export runs once more at exit.
    static func exportCounters(_ instruments: WorkerInstruments, accessLog: LogWriter?, loop: any EventLoop) -> CounterExport {
        let export = CounterExport()
        guard let http = instruments.http else { return export }
        if let statsd = instruments.statsd {
            export.add(http.counter("swiftcorn_statsd_packets_total")) { statsd.packetsSent }
            export.add(http.counter("swiftcorn_statsd_errors_total")) { statsd.sendErrors }
        }
        let writers = [("access", accessLog), ("error", Optional(ErrorLog.writer))]
        for case (let stream, let writer?) in writers {
            for sink in Set(writer.destinations.map(\.sinkLabel)).sorted() {
                let labels = [("sink", sink), ("stream", stream)]
                if sink == "journald" {
                    // Records journald refused went to stderr instead: counted apart.
                    export.add(http.counter("swiftcorn_log_records_total", labels: labels)) { UInt64(max(writer.written - writer.fellBack, 0)) }
                    export.add(http.counter("swiftcorn_log_records_fallback_total", labels: labels)) { UInt64(writer.fellBack) }
                } else {
                    export.add(http.counter("swiftcorn_log_records_total", labels: labels)) { UInt64(writer.written) }
                }
                export.add(http.counter("swiftcorn_log_records_dropped_total", labels: labels)) { UInt64(writer.dropped) }
            }
        }
        loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in export.export() }
        return export
    }
}
