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
