import Atomics

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
