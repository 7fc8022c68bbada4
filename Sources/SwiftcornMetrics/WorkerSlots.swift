import Atomics
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The master's side of the ``WorkerSlotRegion``: lends each worker process its slot, reads its
/// heartbeat, folds the metrics of exited workers into retired totals, and sums everything for a
/// scrape.
///
/// Lending, folding and summing happen under one lock, so a scrape sees an exited worker's counts
/// either in its slot or in the retired totals: once, never twice, never zero (Prometheus
/// counters never go down). Used by the master's loop (lend, attach, retire, heartbeats) and by
/// the side port's thread (snapshot).
package final class WorkerSlots: Sendable {
    /// The region the slots live in.
    package let region: WorkerSlotRegion
    private let state: Mutex<AggregatorState>

    /// The slots of `region`, all free.
    package init(region: WorkerSlotRegion) {
        self.region = region
        self.state = Mutex(AggregatorState(slots: region.slots))
    }

    /// Takes a free slot for a worker about to be spawned for `workerIndex`, its metrics cleared
    /// of any previous worker's values; `nil` when every slot is lent.
    package func lend(workerIndex: Int) -> Int? {
        self.state.withLock { state in
            guard let number = state.lender.take(workerIndex: workerIndex) else { return nil }
            self.region.slot(number).metrics.clear()
            return number
        }
    }

    /// The worker spawned into slot `number` is `pid`.
    package func attach(slot number: Int, pid: Int32) {
        self.state.withLock { state in
            state.lender.assign(number, to: pid)
        }
    }

    /// The worker for slot `number` could not be spawned: the slot is free again.
    package func reclaim(slot number: Int) {
        self.state.withLock { state in
            state.lender.giveBack(number)
        }
    }

    /// The slot worker `pid` stamps and counts in.
    package func slot(of pid: Int32) -> Int? {
        self.state.withLock { state in state.lender.slot(of: pid) }
    }

    /// How long ago worker `pid`'s least recent event loop stamped its heartbeat, in nanoseconds;
    /// `nil` when `pid` has no slot.
    package func heartbeatAge(of pid: Int32) -> UInt64? {
        self.slot(of: pid).map { self.region.slot($0).heartbeatAge() }
    }

    /// How long ago the least recent event loop of the process lent slot `number` stamped its
    /// heartbeat, in nanoseconds. Takes no lock: the master's loop reads it every second and must
    /// not wait behind a scrape, which holds the lock while it sums the slots.
    package func heartbeatAge(ofSlot number: Int) -> UInt64 {
        self.region.slot(number).heartbeatAge()
    }

    /// Worker `pid` was reaped: its counters move to the retired totals and its slot is freed.
    /// `cpuSeconds` is its whole CPU time from the reaped child's rusage.
    package func retire(pid: Int32, cpuSeconds: Double) {
        self.state.withLock { state in
            guard let number = state.lender.slot(of: pid) else { return }
            let slot = self.region.slot(number).metrics
            state.sync(slot: number, region: self.region)
            guard let (_, loan) = state.lender.release(pid: pid) else { return }
            for (aggregate, offset) in loan.mapping where aggregate >= 0 {
                let series = state.series[aggregate]
                guard !series.kind.isGauge else { continue }
                SlotSummation.add(slot: slot, offset: offset, kind: series.kind, into: &state.retired, at: series.offset)
            }
            state.retiredRequests[loan.workerIndex, default: 0] &+= slot.header(.requests).load(ordering: .relaxed)
            state.retiredCPUSeconds[loan.workerIndex, default: 0] += cpuSeconds
            state.droppedSeries &+= slot.header(.droppedSeries).load(ordering: .relaxed)
        }
    }

    /// What the live workers' slot headers say (requests, in flight), without summing any
    /// series: enough for `/stats`.
    package func workerSamples() -> [WorkerSample] {
        self.state.withLock { state in
            state.lender.loans.keys.sorted().compactMap { number in
                state.lender.loans[number].flatMap { Self.sample($0, self.region.slot(number).metrics) }
            }
        }
    }

    private static func sample(_ loan: SlotLender.Loan, _ slot: MetricsSlot) -> WorkerSample? {
        guard let pid = loan.pid else { return nil }
        return WorkerSample(
            workerIndex: loan.workerIndex,
            pid: pid,
            requests: slot.header(.requests).load(ordering: .relaxed),
            inFlight: Int64(bitPattern: slot.header(.inFlight).load(ordering: .relaxed))
        )
    }

    /// Every series summed over the retired totals and the live slots.
    package func snapshot() -> MetricsSnapshot {
        self.state.withLock { state in
            let numbers = state.lender.loans.keys.sorted()
            for number in numbers {
                state.sync(slot: number, region: self.region)
            }
            var totals = state.retired
            var workers: [WorkerSample] = []
            var dropped = state.droppedSeries
            for number in numbers {
                guard let loan = state.lender.loans[number] else { continue }
                let slot = self.region.slot(number).metrics
                for (aggregate, offset) in loan.mapping where aggregate >= 0 {
                    let series = state.series[aggregate]
                    SlotSummation.add(slot: slot, offset: offset, kind: series.kind, into: &totals, at: series.offset)
                }
                dropped &+= slot.header(.droppedSeries).load(ordering: .relaxed)
                if let sample = Self.sample(loan, slot) {
                    workers.append(sample)
                }
            }
            return MetricsSnapshot(
                series: state.series,
                families: state.sortedFamilies(),
                totals: totals,
                workers: workers,
                retiredRequests: state.retiredRequests,
                retiredCPUSeconds: state.retiredCPUSeconds,
                droppedSeries: dropped
            )
        }
    }
}

/// What ``WorkerSlots`` keeps under its lock.
struct AggregatorState: ~Copyable {
    /// Which slot each worker process has.
    var lender: SlotLender
    var series: [AggregateSeries] = []
    var lookup: [SeriesName: Int] = [:]
    var familyMembers: [String: [Int]] = [:]
    var familyOrder: [String] = []
    /// Exited workers' counter and histogram words, by ``AggregateSeries/offset``.
    var retired: [UInt64] = []
    var retiredRequests: [Int: UInt64] = [:]
    var retiredCPUSeconds: [Int: Double] = [:]
    var droppedSeries: UInt64 = 0

    init(slots: Int) {
        self.lender = SlotLender(count: slots)
    }

    /// Reads the descriptors slot `number` published since the last read.
    mutating func sync(slot number: Int, region: WorkerSlotRegion) {
        guard var mapping = self.lender.loans[number]?.mapping else { return }
        let slot = region.slot(number).metrics
        // Words a worker wrote are read as untrusted: a bad value is skipped, never trapped on.
        let published = Int(min(slot.header(.seriesCount).load(ordering: .acquiring), UInt64(SlotLayout.seriesCapacity)))
        guard published > mapping.count else { return }
        for index in mapping.count..<published {
            let descriptor = slot.descriptor(index)
            guard let kind = SeriesKind(rawValue: UInt8(truncatingIfNeeded: descriptor[0])),
                descriptor[1] <= UInt64(SlotLayout.valueCapacity - kind.wordCount),
                descriptor[2] <= UInt64(SlotLayout.nameCapacity), descriptor[3] <= UInt64(SlotLayout.nameCapacity) - descriptor[2],
                let name = SeriesName(stored: UnsafeBufferPointer(start: slot.names + Int(descriptor[2]), count: Int(descriptor[3])))
            else {
                mapping.append((-1, 0))
                continue
            }
            mapping.append((self.aggregate(name, kind: kind), Int(descriptor[1])))
        }
        self.lender.setMapping(mapping, of: number)
    }

    /// The aggregate series of `name`, created if new; `-1` when it exists with another kind.
    private mutating func aggregate(_ name: SeriesName, kind: SeriesKind) -> Int {
        if let index = self.lookup[name] {
            return self.series[index].kind == kind ? index : -1
        }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let index = self.series.count
        self.series.append(
            AggregateSeries(name: name, kind: kind, offset: self.retired.count, created: Double(now.tv_sec) + Double(now.tv_nsec) / 1e9)
        )
        self.retired.append(contentsOf: repeatElement(0, count: kind.wordCount))
        self.lookup[name] = index
        if self.familyMembers[name.metric] == nil {
            self.familyOrder.append(name.metric)
            self.familyOrder.sort()
        }
        self.familyMembers[name.metric, default: []].append(index)
        return index
    }

    func sortedFamilies() -> [(metric: String, members: [Int])] {
        self.familyOrder.map { ($0, self.familyMembers[$0] ?? []) }
    }
}

/// Adds a slot's words to a flat array of totals, by kind.
enum SlotSummation {
    static func add(slot: MetricsSlot, offset: Int, kind: SeriesKind, into totals: inout [UInt64], at target: Int) {
        switch kind {
        case .floatCounter, .floatGauge:
            totals[target] = (Double(bitPattern: totals[target]) + Self.load(slot, offset)).bitPattern
        case .valueHistogram:
            let sumWord = kind.wordCount - 2
            for word in 0..<kind.wordCount {
                if word == sumWord {
                    totals[target + word] = (Double(bitPattern: totals[target + word]) + Self.load(slot, offset + word)).bitPattern
                } else {
                    totals[target + word] &+= UnsafeAtomic(at: slot.value(offset + word)).load(ordering: .relaxed)
                }
            }
        case .counter, .gauge, .durationHistogram, .sizeHistogram:
            for word in 0..<kind.wordCount {
                totals[target + word] &+= UnsafeAtomic(at: slot.value(offset + word)).load(ordering: .relaxed)
            }
        }
    }

    private static func load(_ slot: MetricsSlot, _ offset: Int) -> Double {
        Double(bitPattern: UnsafeAtomic(at: slot.value(offset)).load(ordering: .relaxed))
    }
}

/// A series as the master exports it: the sum of every worker's series of the same name.
package struct AggregateSeries: Sendable {
    /// Name and labels.
    package let name: SeriesName
    /// What it holds.
    package let kind: SeriesKind
    /// Where its words start in the flat arrays of totals.
    package let offset: Int
    /// When the master first saw it, in seconds since the epoch (OpenMetrics `_created`).
    package let created: Double
    /// The metric name's bytes, rendered once: a scrape copies them.
    let metricBytes: [UInt8]
    /// The labels' bytes, rendered once.
    let labelBytes: [UInt8]

    init(name: SeriesName, kind: SeriesKind, offset: Int, created: Double) {
        self.name = name
        self.kind = kind
        self.offset = offset
        self.created = created
        self.metricBytes = Array(name.metric.utf8)
        self.labelBytes = Array(name.labels.utf8)
    }
}

/// Every worker's metrics summed at one moment: what a scrape renders.
package struct MetricsSnapshot: Sendable {
    /// The aggregate series, in registration order.
    package var series: [AggregateSeries]
    /// Families: a metric name and its series' indices, sorted by name.
    package var families: [(metric: String, members: [Int])]
    /// Retired plus live words, by ``AggregateSeries/offset``; `Double` words hold bits.
    package var totals: [UInt64]
    /// The live workers.
    package var workers: [WorkerSample]
    /// Requests finished by exited workers, by worker index.
    package var retiredRequests: [Int: UInt64]
    /// CPU seconds of exited workers, by worker index.
    package var retiredCPUSeconds: [Int: Double]
    /// Series registrations folded into `_OTHER`, all workers ever.
    package var droppedSeries: UInt64

    /// Requests finished by worker index `index`, its exited predecessors included.
    package func requests(workerIndex index: Int) -> UInt64 {
        self.workers.filter { $0.workerIndex == index }.reduce(self.retiredRequests[index] ?? 0) { $0 &+ $1.requests }
    }
}

/// What one live worker's slot header says at a scrape.
package struct WorkerSample: Sendable {
    /// The worker index, 1…N.
    package let workerIndex: Int
    /// The worker's pid.
    package let pid: Int32
    /// Requests it finished.
    package let requests: UInt64
    /// Requests in progress.
    package let inFlight: Int64
}

/// Which slot of the ``WorkerSlotRegion`` each worker process has: the master's one lender.
///
/// A slot is taken before the spawn, assigned to the pid the spawn returns, and released when
/// that pid is reaped (or given back when the spawn failed). Every slot of the region is lent,
/// slot 0 included. What a released slot's worker counted is folded by ``WorkerSlots`` before
/// the slot is released, and a slot is cleared when it is taken again.
struct SlotLender {
    /// A slot lent to a worker process, and how far the master has read its descriptors.
    struct Loan {
        /// The worker index it serves.
        let workerIndex: Int
        /// The worker's pid, once spawned.
        var pid: Int32?
        /// For each of the slot's series read so far: its aggregate series and its value offset;
        /// aggregate `-1` for a series whose kind disagrees with the aggregate of that name.
        var mapping: [(aggregate: Int, offset: Int)] = []
    }

    /// Free slots, the next one to lend last.
    private var free: [Int]
    /// Lent slots, by slot number.
    private(set) var loans: [Int: Loan] = [:]
    private var byPid: [Int32: Int] = [:]

    /// A lender of slots 0 ..< `count`, all free; the lowest are lent first.
    init(count: Int) {
        self.free = Array((0..<count).reversed())
    }

    /// A free slot for a worker about to be spawned for `workerIndex`; `nil` when every slot is lent.
    mutating func take(workerIndex: Int) -> Int? {
        guard let number = self.free.popLast() else { return nil }
        self.loans[number] = Loan(workerIndex: workerIndex)
        return number
    }

    /// The worker spawned into slot `number` is `pid`.
    mutating func assign(_ number: Int, to pid: Int32) {
        guard self.loans[number] != nil else { return }
        self.loans[number]?.pid = pid
        self.byPid[pid] = number
    }

    /// The worker for slot `number` could not be spawned: the slot is free again.
    mutating func giveBack(_ number: Int) {
        guard let loan = self.loans.removeValue(forKey: number) else { return }
        if let pid = loan.pid { self.byPid[pid] = nil }
        self.free.append(number)
    }

    /// `pid` was reaped: its slot is free; the slot and what it was lent for, if `pid` had one.
    @discardableResult
    mutating func release(pid: Int32) -> (number: Int, loan: Loan)? {
        guard let number = self.byPid.removeValue(forKey: pid), let loan = self.loans.removeValue(forKey: number) else { return nil }
        self.free.append(number)
        return (number, loan)
    }

    /// The slot of `pid`.
    func slot(of pid: Int32) -> Int? {
        self.byPid[pid]
    }

    /// Records how far the master has read slot `number`'s descriptors.
    mutating func setMapping(_ mapping: [(aggregate: Int, offset: Int)], of number: Int) {
        self.loans[number]?.mapping = mapping
    }
}
