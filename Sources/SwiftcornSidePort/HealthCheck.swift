import SwiftcornMetrics

/// `/healthz`: 200 when every desired worker is alive and heartbeating, 503 with the reasons
/// otherwise.
struct HealthCheck {
    let stats: MasterStats.Snapshot
    let heartbeats: WorkerSlotRegion

    /// A heartbeat older than this means a hung worker: half the timeout, between 1 and 5 s, so
    /// the check flips before the master kills the worker.
    var staleAfterNanoseconds: UInt64 {
        let half = self.stats.timeout / 2
        let clamped = min(max(half, .seconds(1)), .seconds(5))
        return UInt64(clamped.components.seconds) * 1_000_000_000 + UInt64(clamped.components.attoseconds / 1_000_000_000)
    }

    /// What is wrong; empty when healthy.
    var problems: [String] {
        var problems: [String] = []
        if self.stats.serving.count < self.stats.desired {
            problems.append("\(self.stats.serving.count) of \(self.stats.desired) workers alive")
        }
        for (index, pid) in self.stats.serving {
            let age = MasterStats.heartbeatAge(of: pid, in: self.stats, region: self.heartbeats)
            if age > self.staleAfterNanoseconds {
                problems.append("worker \(index) (pid \(pid)) silent for \(age / 1_000_000) ms")
            }
        }
        return problems
    }

    /// The response.
    var response: SidePortResponse {
        let problems = self.problems
        guard !problems.isEmpty else { return .text(200, "ok\n") }
        return .text(503, problems.joined(separator: "\n") + "\n")
    }
}
