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

/// Where a worker records into one series: its words in the slot, updated with relaxed atomics.
///
/// Cheap to copy and to keep; valid for the life of the worker process.
package struct SeriesHandle: @unchecked Sendable {
    private let words: UnsafeMutablePointer<AtomicWord>
    /// What the series holds.
    package let kind: SeriesKind

    /// A handle on `words`, which must hold `kind.wordCount` words.
    package init(words: UnsafeMutablePointer<AtomicWord>, kind: SeriesKind) {
        self.words = words
        self.kind = kind
    }

    @inline(__always)
    private func word(_ index: Int) -> UnsafeAtomic<UInt64> {
        UnsafeAtomic(at: self.words + index)
    }

    /// Adds to an integer counter, or to an integer gauge as `Int64` bits.
    @inline(__always)
    package func increment(by amount: UInt64 = 1) {
        self.word(0).wrappingIncrement(by: amount, ordering: .relaxed)
    }

    /// Adds a signed amount to an integer gauge.
    @inline(__always)
    package func adjust(by delta: Int64) {
        self.word(0).wrappingIncrement(by: UInt64(bitPattern: delta), ordering: .relaxed)
    }

    /// The value of a floating-point counter or gauge.
    package var doubleValue: Double {
        Double(bitPattern: self.word(0).load(ordering: .relaxed))
    }

    /// Sets a floating-point gauge.
    package func set(_ value: Double) {
        self.word(0).store(value.bitPattern, ordering: .relaxed)
    }

    /// Adds to a floating-point counter or gauge.
    package func add(_ amount: Double) {
        Self.addDouble(amount, to: self.word(0))
    }

    /// Records an integer observation (nanoseconds or bytes) into a histogram.
    @inline(__always)
    package func observe(_ value: UInt64) {
        guard let scheme = self.kind.buckets else { return }
        let count = scheme.bounds.count
        self.word(scheme.bucket(of: value)).wrappingIncrement(ordering: .relaxed)
        self.word(count + 1).wrappingIncrement(by: value, ordering: .relaxed)
        self.word(count + 2).wrappingIncrement(ordering: .relaxed)
    }

    /// Records a `Double` observation into a value histogram.
    package func observe(_ value: Double) {
        guard let scheme = self.kind.buckets else { return }
        let count = scheme.bounds.count
        self.word(scheme.bucket(of: value)).wrappingIncrement(ordering: .relaxed)
        Self.addDouble(value, to: self.word(count + 1))
        self.word(count + 2).wrappingIncrement(ordering: .relaxed)
    }

    private static func addDouble(_ amount: Double, to word: UnsafeAtomic<UInt64>) {
        var current = word.load(ordering: .relaxed)
        while true {
            let next = (Double(bitPattern: current) + amount).bitPattern
            let (exchanged, original) = word.weakCompareExchange(expected: current, desired: next, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// A handle whose updates go nowhere, for when even the overflow reserve is spent.
    package static func discarding(_ kind: SeriesKind) -> SeriesHandle {
        SeriesHandle(words: discardWords, kind: kind)
    }

    private nonisolated(unsafe) static let discardWords: UnsafeMutablePointer<AtomicWord> = {
        let words = UnsafeMutablePointer<AtomicWord>.allocate(capacity: 32)
        UnsafeMutableRawPointer(words).initializeMemory(as: UInt64.self, repeating: 0, count: 32)
        return words
    }()
}

/// The upper bounds of a histogram's buckets, as the worker compares them and as they are exported.
///
/// Buckets are stored per bucket (not cumulative): one atomic increment per observation.
package struct BucketScheme: Sendable {
    /// Upper bounds in the unit the worker records (nanoseconds, bytes, or `Double` bits).
    package let bounds: [UInt64]
    /// The same bounds as `le` label values.
    package let labels: [String]
    /// Multiplier from the recorded unit to the exported one (nanoseconds → seconds).
    package let exportScale: Double
    /// `le="…"` of each bucket, `+Inf` last, as the exposition writes them.
    let leLabels: [[UInt8]]

    /// OpenTelemetry's HTTP server duration buckets, 5 ms … 10 s, recorded in nanoseconds.
    package static let duration = BucketScheme(
        seconds: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]
    )
    /// Response sizes, 100 B … 100 MB by powers of ten.
    package static let size = BucketScheme(
        bounds: [100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000],
        labels: ["100", "1000", "10000", "100000", "1e+06", "1e+07", "1e+08"],
        exportScale: 1
    )
    /// Prometheus client libraries' default buckets, for app recorders.
    package static let value = BucketScheme(
        bounds: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10].map(\.bitPattern),
        labels: ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10"],
        exportScale: 1
    )

    private init(seconds: [Double]) {
        self.init(
            bounds: seconds.map { UInt64(($0 * 1e9).rounded()) },
            labels: seconds.map { $0 == $0.rounded() ? String(Int($0)) : String($0) },
            exportScale: 1e-9
        )
    }

    private init(bounds: [UInt64], labels: [String], exportScale: Double) {
        self.bounds = bounds
        self.labels = labels
        self.exportScale = exportScale
        self.leLabels = (labels + ["+Inf"]).map { Array("le=\"\($0)\"".utf8) }
    }

    /// The bucket of an integer observation: the first bound it does not exceed, else `+Inf`.
    @inline(__always)
    package func bucket(of value: UInt64) -> Int {
        var index = 0
        while index < self.bounds.count && value > self.bounds[index] { index += 1 }
        return index
    }

    /// The bucket of a `Double` observation (``value`` scheme).
    @inline(__always)
    package func bucket(of value: Double) -> Int {
        var index = 0
        while index < self.bounds.count && value > Double(bitPattern: self.bounds[index]) { index += 1 }
        return index
    }
}
