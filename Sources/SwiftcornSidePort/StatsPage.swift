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

    /// The response.
    var response: SidePortResponse {
        let now = MasterStats.now()
        var master = JSONLineWriter(capacity: 4096)
        master.field("pid", Int(getpid()))
        master.field("uptime_s", Int(now - self.stats.startedAt))
        master.field("generation", self.stats.generation)
        master.field("reloads", Int(self.stats.reloads))
        master.field("workers_desired", self.stats.desired)
        master.field("workers_alive", self.stats.serving.count)
        var body = Array("{\"master\":".utf8) + master.finish().dropLast()

        body += Array(",\"workers\":[".utf8)
        let samples = Dictionary(self.workers.map { ($0.pid, $0) }, uniquingKeysWith: { first, _ in first })
        for (offset, worker) in self.stats.workers.values.sorted(by: { ($0.index, $0.pid) < ($1.index, $1.pid) }).enumerated() {
            if offset > 0 { body.append(UInt8(ascii: ",")) }
            body += self.entry(worker, sample: samples[worker.pid], now: now)
        }
        body += Array("]}\n".utf8)
        return SidePortResponse(status: 200, contentType: "application/json", body: body)
    }

    /// One worker's object; `restarts` counts the exits of its index by reason.
    private func entry(_ worker: MasterStats.Worker, sample: WorkerSample?, now: Double) -> [UInt8] {
        var json = JSONLineWriter()
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
        var bytes = json.finish()
        bytes.removeLast(2)
        bytes += Array(",\"restarts\":{".utf8)
        let restarts = (self.stats.restartsByIndex[worker.index] ?? [:]).sorted(by: { $0.key.rawValue < $1.key.rawValue })
        for (offset, (reason, count)) in restarts.enumerated() {
            bytes += Array("\(offset > 0 ? "," : "")\"\(reason.rawValue)\":\(count)".utf8)
        }
        bytes += Array("}}".utf8)
        return bytes
    }
}
