import SwiftcornMetrics
import SwiftcornSystem

/// What the side port answers: `/metrics` (or the configured path), `/stats`, `/healthz`.
///
/// Runs on the side port's event loop thread, never on the master's loop, so a scrape can take
/// its time and the master never waits for it; it reads only the worker-slot region (metrics and
/// heartbeats) and the master's stats, all of which are safe to read from another thread.
package struct SidePortRoutes: Sendable {
    let metricsPath: String
    /// The bearer token `/metrics` and `/stats` require, if any.
    let authToken: String?
    let slots: WorkerSlots
    let stats: MasterStats
    let version: String

    /// Routes that render the workers' `slots` and the master's `stats`;
    /// `authToken` guards `/metrics` and `/stats` when set.
    package init(
        metricsPath: String,
        authToken: String?,
        slots: WorkerSlots,
        stats: MasterStats,
        version: String
    ) {
        self.metricsPath = metricsPath
        self.authToken = authToken
        self.slots = slots
        self.stats = stats
        self.version = version
    }

    /// The answer to `request`; a scrape is rendered into `scratch`.
    func respond(to request: SidePortRequest, scratch: ScrapeScratch) -> SidePortResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return .text(405, "only GET and HEAD\n", headers: [("Allow", "GET, HEAD")])
        }
        switch request.path {
        case "/healthz":
            // Open to load balancers and orchestrators, like nginx's stub status is usually.
            return HealthCheck(stats: self.stats.snapshot, heartbeats: self.slots.region).response
        case self.metricsPath, "/stats":
            if let authToken, !Self.authorized(request.authorization, token: authToken) {
                return .text(401, "a bearer token is required\n", headers: [("WWW-Authenticate", "Bearer realm=\"swiftcorn\"")])
            }
            if request.path == "/stats" {
                return StatsPage(workers: self.slots.workerSamples(), stats: self.stats.snapshot, heartbeats: self.slots.region).response
            }
            return self.metrics(request, scratch: scratch)
        default:
            return .text(404, "not found; try \(self.metricsPath), /stats or /healthz\n")
        }
    }

    private func metrics(_ request: SidePortRequest, scratch: ScrapeScratch) -> SidePortResponse {
        let format = ExpositionFormat(accept: request.accept)
        let page = MetricsPage(
            snapshot: self.slots.snapshot(),
            stats: self.stats.snapshot,
            heartbeats: self.slots.region,
            version: self.version
        )
        ExpositionRenderer(format: format, masterStarted: page.stats.startedAt).render(page.snapshot, families: page.families, into: &scratch.text)
        if request.acceptEncoding?.contains("gzip") == true, GzipCompression.compress(scratch.text, into: &scratch.gzip) {
            return SidePortResponse(
                status: 200,
                contentType: format.contentType,
                body: [],
                headers: [("Content-Encoding", "gzip")],
                scratchBody: .gzip
            )
        }
        return SidePortResponse(status: 200, contentType: format.contentType, body: [], scratchBody: .text)
    }

    /// Constant-time comparison of `Bearer <token>`.
    static func authorized(_ header: String?, token: String) -> Bool {
        // The scheme's name is case-insensitive (RFC 9110, 11.1): `bearer` is as good as `Bearer`.
        guard let header, header.utf8.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        let given = Array(header.utf8.dropFirst(7))
        let expected = Array(token.utf8)
        guard given.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(given, expected) { difference |= a ^ b }
        return difference == 0
    }
}

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
