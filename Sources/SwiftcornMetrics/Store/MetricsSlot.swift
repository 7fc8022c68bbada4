import Atomics

/// The metrics part of a worker's slot (``WorkerSlot``): written by that worker only, read by
/// the master. Offsets are ``SlotLayout``'s, from the slot's start.
package struct MetricsSlot: @unchecked Sendable {
    /// The first byte of the slot (not of its metrics part).
    package let base: UnsafeMutableRawPointer

    /// Wraps the slot at `base`.
    package init(base: UnsafeMutableRawPointer) {
        self.base = base
    }

    /// A header word as an atomic.
    @inline(__always)
    package func header(_ word: SlotHeader) -> UnsafeAtomic<UInt64> {
        UnsafeAtomic(at: self.word(at: SlotLayout.headerOffset + word.rawValue * 8))
    }

    /// The words of descriptor `index`.
    package func descriptor(_ index: Int) -> UnsafeMutablePointer<UInt64> {
        (self.base + SlotLayout.descriptorsOffset + index * SlotLayout.descriptorWords * 8).assumingMemoryBound(to: UInt64.self)
    }

    /// The value word at `offset`, as atomic storage.
    @inline(__always)
    package func value(_ offset: Int) -> UnsafeMutablePointer<AtomicWord> {
        self.word(at: SlotLayout.valuesOffset + offset * 8)
    }

    /// The name bytes.
    package var names: UnsafeMutablePointer<UInt8> {
        (self.base + SlotLayout.namesOffset).assumingMemoryBound(to: UInt8.self)
    }

    /// Zeroes what a previous worker used, so the next one starts from nothing (master, before
    /// lending the slot; only touched pages are written). The heartbeat is the spawner's to reset.
    package func clear() {
        // Clamped before conversion: whatever a worker wrote, the master zeroes only the slot.
        let series = Int(min(self.header(.seriesCount).load(ordering: .acquiring), UInt64(SlotLayout.seriesCapacity)))
        let values = Int(min(self.header(.valuesUsed).load(ordering: .relaxed), UInt64(SlotLayout.valueCapacity)))
        let names = Int(min(self.header(.namesUsed).load(ordering: .relaxed), UInt64(SlotLayout.nameCapacity)))
        (self.base + SlotLayout.descriptorsOffset).initializeMemory(
            as: UInt8.self,
            repeating: 0,
            count: series * SlotLayout.descriptorWords * 8
        )
        (self.base + SlotLayout.valuesOffset).initializeMemory(as: UInt8.self, repeating: 0, count: values * 8)
        (self.base + SlotLayout.namesOffset).initializeMemory(as: UInt8.self, repeating: 0, count: names)
        (self.base + SlotLayout.headerOffset).initializeMemory(as: UInt8.self, repeating: 0, count: SlotLayout.headerWords * 8)
    }

    @inline(__always)
    private func word(at byteOffset: Int) -> UnsafeMutablePointer<AtomicWord> {
        (self.base + byteOffset).assumingMemoryBound(to: AtomicWord.self)
    }
}
