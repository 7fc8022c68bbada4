import CSwiftcornSystem
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// The shared memory the master creates and lends, one slot at a time, to the workers it spawns.
///
/// A slot is lent to one worker *process*, not to a worker index: during a hand-over the old and
/// the new worker of an index write different slots, and the master folds a slot into its retired
/// totals only once its worker has been reaped. Pages are touched only when used, so the region's
/// size is address space, not memory.
package struct MetricsRegion: @unchecked Sendable {
    /// Slots in the region: live workers plus those being replaced.
    package static let defaultSlots = 512

    /// The memfd, inherited by workers.
    package let fileDescriptor: Int32
    private let base: UnsafeMutableRawPointer
    /// Number of slots.
    package let slots: Int

    /// Creates and maps a region of `slots` slots (master).
    package static func create(slots: Int = defaultSlots) throws(SystemCallError) -> MetricsRegion {
        let fd = cswiftcorn_memfd("swiftcorn-metrics")
        guard fd >= 0 else { throw SystemCallError("memfd_create") }
        guard ftruncate(fd, off_t(slots * SlotLayout.size)) == 0 else { throw SystemCallError("ftruncate") }
        guard let raw = mmap(nil, slots * SlotLayout.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), raw != MAP_FAILED else {
            throw SystemCallError("mmap")
        }
        return MetricsRegion(fileDescriptor: fd, base: raw, slots: slots)
    }

    /// Maps slot `number` of an inherited region, and only that slot (worker).
    package static func mapSlot(fileDescriptor: Int32, number: Int) throws(SystemCallError) -> MetricsSlot {
        let offset = off_t(number * SlotLayout.size)
        guard let raw = mmap(nil, SlotLayout.size, PROT_READ | PROT_WRITE, MAP_SHARED, fileDescriptor, offset), raw != MAP_FAILED else {
            throw SystemCallError("mmap")
        }
        return MetricsSlot(base: raw)
    }

    private init(fileDescriptor: Int32, base: UnsafeMutableRawPointer, slots: Int) {
        self.fileDescriptor = fileDescriptor
        self.base = base
        self.slots = slots
    }

    /// Slot `number`, 0 ..< ``slots``.
    package func slot(_ number: Int) -> MetricsSlot {
        precondition(number >= 0 && number < self.slots, "metrics slot \(number) out of range")
        return MetricsSlot(base: self.base + number * SlotLayout.size)
    }
}
