import Atomics
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The master's view of the metrics region: lends slots to workers, folds the slots of exited
/// workers into retired totals, and sums everything for a scrape.
///
/// Folding and summing happen under one lock, so a scrape sees an exited worker's counts either
/// in its slot or in the retired totals: once, never twice, never zero. Used by the master's loop
/// (lend, retire) and by the side port's thread (snapshot).
package final class MetricsAggregator: Sendable {
    /// The region the slots live in.
    package let region: MetricsRegion
    private let state: Mutex<AggregatorState>

    /// An aggregator over `region`, all of whose slots are free.
    package init(region: MetricsRegion) {
        self.region = region
        self.state = Mutex(AggregatorState(freeSlots: Array((0..<region.slots).reversed())))
    }

    /// Takes a free slot for a worker about to be spawned for `workerIndex`, cleared of any
    /// previous worker's values; `nil` when every slot is in use (the worker runs unmeasured).
    package func lend(workerIndex: Int) -> Int? {
        self.state.withLock { state in
            guard let number = state.freeSlots.popLast() else { return nil }
            self.region.slot(number).clear()
            state.lent[number] = LentSlot(workerIndex: workerIndex)
            return number
        }
    }

    /// The worker spawned into slot `number` is `pid`.
    package func attach(slot number: Int, pid: Int32) {
        self.state.withLock { state in
            state.lent[number]?.pid = pid
            state.slotsByPid[pid] = number
        }
    }

    /// The worker for slot `number` could not be spawned: the slot is free again.
    package func reclaim(slot number: Int) {
        self.state.withLock { state in
            guard state.lent.removeValue(forKey: number) != nil else { return }
            state.freeSlots.append(number)
        }
    }

    /// Worker `pid` was reaped: its counters move to the retired totals and its slot is freed.
    /// `cpuSeconds` is its whole CPU time from the reaped child's rusage.
    package func retire(pid: Int32, cpuSeconds: Double) {
        self.state.withLock { state in
            guard let number = state.slotsByPid.removeValue(forKey: pid), let lent = state.lent[number] else { return }
            let slot = self.region.slot(number)
            state.sync(slot: number, region: self.region)
            for (aggregate, offset) in state.lent[number]?.mapping ?? [] where aggregate >= 0 {
                let series = state.series[aggregate]
                guard !series.kind.isGauge else { continue }
                SlotSummation.add(slot: slot, offset: offset, kind: series.kind, into: &state.retired, at: series.offset)
            }
            state.retiredRequests[lent.workerIndex, default: 0] &+= slot.header(.requests).load(ordering: .relaxed)
            state.retiredCPUSeconds[lent.workerIndex, default: 0] += cpuSeconds
            state.droppedSeries &+= slot.header(.droppedSeries).load(ordering: .relaxed)
            state.lent.removeValue(forKey: number)
            state.freeSlots.append(number)
        }
    }

    /// What the live workers' slot headers say (requests, in flight), without summing any
    /// series: enough for `/stats`.
    package func workerSamples() -> [WorkerSample] {
        self.state.withLock { state in
            state.lent.keys.sorted().compactMap { number in
                state.lent[number].flatMap { Self.sample($0, self.region.slot(number)) }
            }
        }
    }

    private static func sample(_ lent: LentSlot, _ slot: MetricsSlot) -> WorkerSample? {
        guard let pid = lent.pid else { return nil }
        return WorkerSample(
            workerIndex: lent.workerIndex,
            pid: pid,
            requests: slot.header(.requests).load(ordering: .relaxed),
            inFlight: Int64(bitPattern: slot.header(.inFlight).load(ordering: .relaxed))
        )
    }

    /// Every series summed over the retired totals and the live slots.
    package func snapshot() -> MetricsSnapshot {
        self.state.withLock { state in
            let numbers = state.lent.keys.sorted()
            for number in numbers {
                state.sync(slot: number, region: self.region)
            }
            var totals = state.retired
            var workers: [WorkerSample] = []
            var dropped = state.droppedSeries
            for number in numbers {
                guard let lent = state.lent[number] else { continue }
                let slot = self.region.slot(number)
                for (aggregate, offset) in lent.mapping where aggregate >= 0 {
                    let series = state.series[aggregate]
                    SlotSummation.add(slot: slot, offset: offset, kind: series.kind, into: &totals, at: series.offset)
                }
                dropped &+= slot.header(.droppedSeries).load(ordering: .relaxed)
                if let sample = Self.sample(lent, slot) {
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
