import SwiftcornMetrics
import Synchronization

/// Copies cumulative counts kept elsewhere (the log writers', the statsd client's) into the
/// worker's metrics slot, as the increase since the last copy.
///
/// Runs every second from an event loop and once more just before the worker exits, so the
/// master's retired totals hold the last second too.
final class CounterExport: Sendable {
    private struct Source {
        let series: SeriesHandle
        let read: @Sendable () -> UInt64
        var exported: UInt64 = 0
    }

    private let sources: Mutex<[Source]>

    init() {
        self.sources = Mutex([])
    }

    /// Exports what `read` returns into `series` from now on.
    func add(_ series: SeriesHandle, reading read: @escaping @Sendable () -> UInt64) {
        self.sources.withLock { $0.append(Source(series: series, read: read)) }
    }

    /// Adds each source's increase since the last call to its series.
    func export() {
        self.sources.withLock { sources in
            for index in sources.indices {
                let current = sources[index].read()
                guard current > sources[index].exported else { continue }
                sources[index].series.increment(by: current - sources[index].exported)
                sources[index].exported = current
            }
        }
    }
}
