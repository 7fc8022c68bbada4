import SwiftcornApp
import SwiftcornMetrics
import SwiftcornSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What the master knows about its workers and its own history, kept by the master's loop and
/// read by the side port's thread for `/metrics`, `/stats` and `/healthz`.
package final class MasterStats: Sendable {
    /// A live worker process.
    struct Worker: Sendable {
        let index: Int
        let pid: Int32
        /// Reloads the master had done when the worker was spawned.
        let generation: Int
        /// Seconds since the epoch.
        let startedAt: Double
        /// The slot of the worker-slot region it stamps and counts in.
        let slot: Int
    }

    /// Everything, at one moment.
    struct Snapshot: Sendable {
        var startedAt: Double
        var workers: [Int32: Worker] = [:]
        /// Workers in slots that the master keeps filled (leaving ones excluded).
        var serving: [(index: Int, pid: Int32)] = []
        var desired = 0
        /// The configured `timeout`, as of the last reload.
        var timeout: Duration = .seconds(30)
        var generation = 0
        var reloads: UInt64 = 0
        var restarts: [WorkerExitReason: UInt64] = [:]
        var restartsByIndex: [Int: [WorkerExitReason: UInt64]] = [:]
        var rotations: [String: UInt64] = [:]
        /// Resource use of the live workers, by pid, sampled by the master's loop every second.
        var workerSamples: [Int32: ProcessSample] = [:]
        /// The master's own resource use and descriptors, sampled with them.
        var master = ProcessSample(cpuSeconds: 0, residentBytes: 0, virtualBytes: 0)
        var openDescriptors = 0
        var maxDescriptors = 0.0
        /// When the samples were taken (monotonic), to sample once a second.
        var sampledAt: ContinuousClock.Instant?
    }

    private let state: Mutex<Snapshot>

    /// Stats of a master starting now.
    package init() {
        self.state = Mutex(Snapshot(startedAt: Self.now()))
    }

    /// A copy of everything.
    var snapshot: Snapshot {
        self.state.withLock { $0 }
    }

    /// Worker `pid` was spawned for `index`, into `slot`.
    package func workerStarted(index: Int, pid: Int32, slot: Int) {
        self.state.withLock { state in
            state.workers[pid] = Worker(index: index, pid: pid, generation: state.generation, startedAt: Self.now(), slot: slot)
        }
    }

    /// Worker `pid` was reaped; exits that lead to a replacement count as restarts.
    package func workerExited(pid: Int32, index: Int, reason: WorkerExitReason) {
        self.state.withLock { state in
            state.workers[pid] = nil
            guard reason != .shutdown && reason != .scaleDown else { return }
            state.restarts[reason, default: 0] += 1
            state.restartsByIndex[index, default: [:]][reason, default: 0] += 1
        }
    }

    /// The slots the master keeps filled, their workers, and the heartbeat timeout.
    package func update(desired: Int, serving: [(index: Int, pid: Int32)], timeout: Duration) {
        self.state.withLock { state in
            state.desired = desired
            state.serving = serving
            state.timeout = timeout
        }
    }

    /// Reads `/proc` for the master and `workers` when the last sample is a second old. The
    /// master's loop does it, so a scrape renders from memory alone.
    package func sample(workers: [Int32], now: ContinuousClock.Instant) {
        if let last = self.state.withLock({ $0.sampledAt }), now - last < .seconds(1) { return }
        var samples: [Int32: ProcessSample] = [:]
        for pid in workers {
            samples[pid] = ProcessSample.read(String(pid))
        }
        let master = ProcessSample.read("self")
        let open = ProcessSample.openDescriptors()
        let limit = ProcessSample.maxDescriptors()
        self.state.withLock { state in
            state.workerSamples = samples
            if let master { state.master = master }
            state.openDescriptors = open
            state.maxDescriptors = limit
            state.sampledAt = now
        }
    }

    /// A reload was applied.
    package func reloaded() {
        self.state.withLock { state in
            state.reloads += 1
            state.generation += 1
        }
    }

    /// The files the rotator watches: their rotation counters start at zero, so a dashboard
    /// shows 0 rather than nothing before the first rotation.
    package func watchRotations(of files: [String]) {
        self.state.withLock { state in
            for file in files where state.rotations[file] == nil { state.rotations[file] = 0 }
        }
    }

    /// Log files were rotated.
    package func rotated(_ files: [String]) {
        self.state.withLock { state in
            for file in files { state.rotations[file, default: 0] += 1 }
        }
    }

    /// How long ago worker `pid` last stamped its heartbeat, in nanoseconds; 0 when unknown.
    static func heartbeatAge(of pid: Int32, in snapshot: Snapshot, region: WorkerSlotRegion) -> UInt64 {
        guard let slot = snapshot.workers[pid]?.slot, slot >= 0, slot < region.slots else { return 0 }
        return region.slot(slot).heartbeatAge()
    }

    /// Wall-clock seconds since the epoch.
    static func now() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

/// Resource use of a process read from `/proc/<pid>/stat`: small reads of a pseudo-file that
/// never block on a disk, done by the master's loop once a second (``MasterStats/sample(workers:now:)``).
struct ProcessSample: Sendable {
    /// User plus system CPU time.
    var cpuSeconds: Double
    /// Resident set size.
    var residentBytes: Double
    /// Virtual memory size.
    var virtualBytes: Double

    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    private static let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))

    /// The sample of `pid` (`"self"` for this process); `nil` when it is gone.
    static func read(_ pid: String) -> ProcessSample? {
        guard let text = Self.file("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        // Fields after the command name, which may itself hold spaces and parentheses.
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3 of proc(5)): utime is field 14, stime 15, vsize 23, rss 24.
        guard fields.count > 21, let utime = Double(fields[11]), let stime = Double(fields[12]),
            let vsize = Double(fields[20]), let rss = Double(fields[21])
        else { return nil }
        return ProcessSample(
            cpuSeconds: (utime + stime) / Self.ticksPerSecond,
            residentBytes: rss * Self.pageSize,
            virtualBytes: vsize
        )
    }

    /// Open descriptors of this process.
    static func openDescriptors() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            if entry.pointee.d_name.0 != UInt8(ascii: ".") { count += 1 }
        }
        // The directory being read is one of them.
        return max(count - 1, 0)
    }

    /// The descriptor limit of this process.
    static func maxDescriptors() -> Double {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        return limit.rlim_cur == rlim_t.max ? Double.infinity : Double(limit.rlim_cur)
    }

    private static func file(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}
