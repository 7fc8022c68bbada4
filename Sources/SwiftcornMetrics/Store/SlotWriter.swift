import Atomics
import Synchronization

/// A worker's registry of its series: finds or appends a series in the worker's slot.
///
/// Registration takes a lock and happens once per series; recording through the returned
/// ``SeriesHandle`` takes none. When the slot's budget is spent, a new series is folded into
/// its family's `_OTHER` series and counted in the slot's dropped-series word.
package final class SlotWriter: Sendable {
    /// The slot written.
    package let slot: MetricsSlot
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var handles: [SeriesName: SeriesHandle] = [:]
        var count = 0
        var valuesUsed = 0
        var namesUsed = 0
    }

    /// A writer of `slot`, lent to worker `workerIndex`.
    package init(slot: MetricsSlot, workerIndex: Int) {
        self.slot = slot
        self.state = Mutex(State())
        slot.header(.workerIndex).store(UInt64(workerIndex), ordering: .relaxed)
    }

    /// The handle of series `name`, registered as `kind` if it is new.
    package func series(_ name: SeriesName, kind: SeriesKind) -> SeriesHandle {
        self.state.withLock { state in
            if let handle = state.handles[name] { return handle }
            if state.count < SlotLayout.seriesCapacity - SlotLayout.overflowReserve, let handle = self.append(name, kind: kind, &state) {
                return handle
            }
            self.slot.header(.droppedSeries).wrappingIncrement(ordering: .relaxed)
            let overflow = name.overflow
            if let handle = state.handles[overflow] ?? self.append(overflow, kind: kind, &state) {
                state.handles[name] = handle
                return handle
            }
            return .discarding(kind)
        }
    }

    /// Counts a finished request in the header (for `/stats` and per-worker totals).
    @inline(__always)
    package func requestFinished() {
        self.slot.header(.requests).wrappingIncrement(ordering: .relaxed)
    }

    /// Adds to the header's in-flight gauge.
    @inline(__always)
    package func inFlight(_ delta: Int64) {
        self.slot.header(.inFlight).wrappingIncrement(by: UInt64(bitPattern: delta), ordering: .relaxed)
    }

    private func append(_ name: SeriesName, kind: SeriesKind, _ state: inout State) -> SeriesHandle? {
        let stored = name.stored
        let words = kind.wordCount
        guard state.count < SlotLayout.seriesCapacity,
            state.valuesUsed + words <= SlotLayout.valueCapacity,
            state.namesUsed + stored.count <= SlotLayout.nameCapacity
        else { return nil }
        (self.slot.names + state.namesUsed).update(from: stored, count: stored.count)
        let descriptor = self.slot.descriptor(state.count)
        descriptor[0] = UInt64(kind.rawValue)
        descriptor[1] = UInt64(state.valuesUsed)
        descriptor[2] = UInt64(state.namesUsed)
        descriptor[3] = UInt64(stored.count)
        let handle = SeriesHandle(words: self.slot.value(state.valuesUsed), kind: kind)
        state.valuesUsed += words
        state.namesUsed += stored.count
        state.count += 1
        state.handles[name] = handle
        self.slot.header(.valuesUsed).store(UInt64(state.valuesUsed), ordering: .relaxed)
        self.slot.header(.namesUsed).store(UInt64(state.namesUsed), ordering: .relaxed)
        // Publishes the descriptor and its name to the master.
        self.slot.header(.seriesCount).store(UInt64(state.count), ordering: .releasing)
        return handle
    }
}
