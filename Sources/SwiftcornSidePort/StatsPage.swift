import SwiftcornLogging
import SwiftcornMetrics
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// `/stats`: the master and each live worker as JSON, for people and scripts.
struct StatsPage {
    /// What the live workers' slots say.
    let workers: [WorkerSample]
    let stats: MasterStats.Snapshot
    let heartbeats: WorkerSlotRegion

    /// The response: `{"master":{…},"workers":[{…},…]}`, written front to back.
    var response: SidePortResponse {
        let now = MasterStats.now()
        let samples = Dictionary(self.workers.map { ($0.pid, $0) }, uniquingKeysWith: { first, _ in first })
        let workers = self.stats.workers.values.sorted(by: { ($0.index, $0.pid) < ($1.index, $1.pid) })
        var json = JSONLineWriter(capacity: 4096)
        json.object("master") { master in
            master.field("pid", Int(getpid()))
            master.field("uptime_s", Int(now - self.stats.startedAt))
            master.field("generation", self.stats.generation)
            master.field("reloads", Int(self.stats.reloads))
            master.field("workers_desired", self.stats.desired)
            master.field("workers_alive", self.stats.serving.count)
        }
        json.array("workers") { array in
            for worker in workers {
                array.element { self.write(worker, sample: samples[worker.pid], now: now, into: &$0) }
            }
        }
        return SidePortResponse(status: 200, contentType: "application/json", body: json.finish())
    }

    /// One worker's fields; `restarts` counts the exits of its index by reason.
    private func write(_ worker: MasterStats.Worker, sample: WorkerSample?, now: Double, into json: inout JSONLineWriter) {
        json.field("index", worker.index)
        json.field("pid", Int(worker.pid))
        json.field("generation", worker.generation)
        json.field("started_at", Int(worker.startedAt))
        json.field("age_s", Int(now - worker.startedAt))
        json.field("requests", Int(sample?.requests ?? 0))
        json.field("in_flight", Int(sample?.inFlight ?? 0))
        json.field("heartbeat_age_ms", Int(MasterStats.heartbeatAge(of: worker.pid, in: self.stats, region: self.heartbeats) / 1_000_000))
        let process = self.stats.workerSamples[worker.pid]
        json.field("rss_bytes", Int(process?.residentBytes ?? 0))
        json.field("cpu_ms", Int((process?.cpuSeconds ?? 0) * 1000))
        let restarts = (self.stats.restartsByIndex[worker.index] ?? [:]).sorted(by: { $0.key.rawValue < $1.key.rawValue })
        json.object("restarts") { object in
            for (reason, count) in restarts {
                object.field(dynamicKey: reason.rawValue, Int(count))
            }
        }
    }
}
