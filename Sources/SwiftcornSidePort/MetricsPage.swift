import SwiftcornApp
import SwiftcornMetrics
import SwiftcornSystem

/// The families the master adds to the workers' aggregate: its workers, restarts, reloads,
/// per-worker resources and the standard `process_*` set of the master itself.
struct MetricsPage {
    let snapshot: MetricsSnapshot
    let stats: MasterStats.Snapshot
    let families: [MetricFamily]

    init(snapshot: MetricsSnapshot, stats: MasterStats.Snapshot, heartbeats: WorkerSlotRegion, version: String) {
        self.snapshot = snapshot
        self.stats = stats
        let live = snapshot.workers
        let indices = Set(live.map(\.workerIndex)).union(snapshot.retiredRequests.keys).sorted()
        var resident: [Int: Double] = [:]
        var cpu = snapshot.retiredCPUSeconds
        for worker in live {
            guard let sample = stats.workerSamples[worker.pid] else { continue }
            resident[worker.workerIndex, default: 0] += sample.residentBytes
            cpu[worker.workerIndex, default: 0] += sample.cpuSeconds
        }
        let workerLabel = { (index: Int) in [("worker", String(index))] }
        var families = [
            MetricFamily(
                "swiftcorn_workers",
                .gauge,
                help: "Worker processes: alive (serving a slot) and desired.",
                samples: [.init([("state", "alive")], Double(stats.serving.count)), .init([("state", "desired")], Double(stats.desired))]
            ),
            MetricFamily(
                "swiftcorn_worker_restarts_total",
                .counter,
                help: "Worker processes replaced, by reason.",
                samples: WorkerExitReason.allCases.filter { $0 != .shutdown && $0 != .scaleDown }.map {
                    .init([("reason", $0.rawValue)], Double(stats.restarts[$0] ?? 0))
                }
            ),
            MetricFamily(
                "swiftcorn_worker_requests_total",
                .counter,
                help: "Requests finished, by worker index (its exited predecessors included).",
                samples: indices.map { .init(workerLabel($0), Double(snapshot.requests(workerIndex: $0))) }
            ),
            MetricFamily(
                "swiftcorn_worker_cpu_seconds_total",
                .counter,
                help: "CPU time of the workers, by worker index (its exited predecessors included).",
                samples: indices.map { .init(workerLabel($0), cpu[$0] ?? 0) }
            ),
            MetricFamily(
                "swiftcorn_worker_resident_memory_bytes",
                .gauge,
                help: "Resident memory of the live workers, by worker index.",
                samples: resident.keys.sorted().map { .init(workerLabel($0), resident[$0] ?? 0) }
            ),
            MetricFamily(
                "swiftcorn_worker_heartbeat_age_seconds",
                .gauge,
                help: "Time since the worker's event loops last stamped their heartbeat; the master aborts it past `timeout`.",
                samples: stats.serving.map {
                    .init(workerLabel($0.index), Double(MasterStats.heartbeatAge(of: $0.pid, in: stats, region: heartbeats)) / 1e9)
                }
            ),
            MetricFamily(
                "swiftcorn_worker_in_flight_requests",
                .gauge,
                help: "Requests each live worker is serving, by worker index.",
                samples: Dictionary(live.map { ($0.workerIndex, Double($0.inFlight)) }, uniquingKeysWith: +).sorted { $0.key < $1.key }
                    .map { .init(workerLabel($0.key), $0.value) }
            ),
            MetricFamily(
                "swiftcorn_worker_timeout_seconds",
                .gauge,
                help: "The configured `timeout`: a worker whose heartbeat is older is aborted.",
                samples: [.init([], Double(stats.timeout.components.seconds) + Double(stats.timeout.components.attoseconds) / 1e18)]
            ),
            MetricFamily("swiftcorn_reloads_total", .counter, help: "Configuration reloads applied.", samples: [.init([], Double(stats.reloads))]),
            MetricFamily(
                "swiftcorn_log_rotations_total",
                .counter,
                help: "Log file rotations, by file.",
                samples: stats.rotations.keys.sorted().map { .init([("file", $0)], Double(stats.rotations[$0] ?? 0)) }
            ),
            MetricFamily(
                "swiftcorn_metrics_dropped_series_total",
                .counter,
                help: "Series folded into _OTHER because a worker's series budget was spent.",
                samples: [.init([], Double(snapshot.droppedSeries))]
            ),
            MetricFamily(
                "swiftcorn_build_info",
                .gauge,
                help: "Always 1; the version label says which build runs.",
                samples: [.init([("version", version)], 1)]
            ),
        ]
        families += Self.processFamilies(stats)
        self.families = families.filter { !$0.samples.isEmpty }
    }

    /// The standard `process_*` metrics of the master, as last sampled (at most a second old).
    static func processFamilies(_ stats: MasterStats.Snapshot) -> [MetricFamily] {
        let sample = stats.master
        let startedAt = stats.startedAt
        return [
            MetricFamily(
                "process_cpu_seconds_total",
                .counter,
                help: "Total user and system CPU time spent in seconds.",
                samples: [.init([], sample.cpuSeconds)]
            ),
            MetricFamily("process_resident_memory_bytes", .gauge, help: "Resident memory size in bytes.", samples: [.init([], sample.residentBytes)]),
            MetricFamily("process_virtual_memory_bytes", .gauge, help: "Virtual memory size in bytes.", samples: [.init([], sample.virtualBytes)]),
            MetricFamily(
                "process_start_time_seconds",
                .gauge,
                help: "Start time of the process since unix epoch in seconds.",
                samples: [.init([], startedAt.rounded(.down))]
            ),
            MetricFamily(
                "process_open_fds",
                .gauge,
                help: "Number of open file descriptors.",
                samples: [.init([], Double(stats.openDescriptors))]
            ),
            MetricFamily(
                "process_max_fds",
                .gauge,
                help: "Maximum number of open file descriptors.",
                samples: [.init([], stats.maxDescriptors)]
            ),
        ]
    }
}
