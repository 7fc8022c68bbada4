import CoreMetrics
import Logging
import NIOCore
import SwiftcornConfig
import SwiftcornMetrics
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

extension WorkerProcess {
    /// Maps the metrics slot the master lent this worker, installs the swift-metrics backend on
    /// it (before the app is built, so the app's instruments land there) and starts statsd.
    static func startInstruments(index: Int, configuration: ServerConfiguration, logger: Logger) -> WorkerInstruments {
        var statsd: StatsdClient?
        if let host = configuration.statsd.host {
            do {
                statsd = try StatsdClient(
                    configuration: .init(
                        address: host,
                        prefix: configuration.statsd.prefix,
                        tags: configuration.statsd.tags,
                        flushInterval: configuration.statsd.flushInterval
                    )
                )
            } catch {
                // statsd is best effort: the worker serves without it and says why.
                logger.error("statsd disabled: cannot set up the client", metadata: ["host": "\(host)", "error": "\(error)"])
            }
        }
        guard let fdText = getenv(WorkerEnvironment.metricsFD), let slotText = getenv(WorkerEnvironment.metricsSlot),
            let descriptor = Int32(String(cString: fdText)), let number = Int(String(cString: slotText))
        else { return WorkerInstruments(http: nil, statsd: statsd) }
        let slot: MetricsSlot
        do {
            slot = try MetricsRegion.mapSlot(fileDescriptor: descriptor, number: number)
        } catch {
            logger.error("cannot map the metrics slot; this worker's requests are not measured", metadata: ["error": "\(error)"])
            return WorkerInstruments(http: nil, statsd: statsd)
        }
        let writer = SlotWriter(slot: slot, workerIndex: index)
        let mirror = configuration.statsd.includeAppMetrics ? statsd : nil
        MetricsSystem.bootstrap(SlotMetricsFactory(writer: writer, statsd: mirror))
        return WorkerInstruments(http: HTTPServerMetrics(writer: writer), statsd: statsd)
    }

    /// Copies the statsd client's send counters into the slot, where Prometheus sees them.
    static func exportStatsdCounters(_ instruments: WorkerInstruments, loop: any EventLoop) {
        guard let statsd = instruments.statsd, let http = instruments.http else { return }
        let packets = http.counter("swiftcorn_statsd_packets_total")
        let errors = http.counter("swiftcorn_statsd_errors_total")
        let exported = StatsdExport()
        loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            let (sent, failed) = (statsd.packetsSent, statsd.sendErrors)
            packets.increment(by: sent &- exported.packets)
            errors.increment(by: failed &- exported.errors)
            exported.packets = sent
            exported.errors = failed
        }
    }
}

/// What has already been copied from the statsd client; used by one repeated task only.
private final class StatsdExport: @unchecked Sendable {
    var packets: UInt64 = 0
    var errors: UInt64 = 0
}
