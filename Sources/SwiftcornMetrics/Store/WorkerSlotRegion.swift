import Atomics
import CSwiftcornSystem
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// The shared memory between a master and its workers: one slot per worker *process*, lent by
/// the master (``WorkerSlots``) before the spawn and given back when the process is reaped.
///
/// The master creates and maps the whole region; a worker maps its own slot only (descriptor
/// and slot from ``WorkerLaunch``). A slot belongs to a process, not to a worker index: a
/// replacement booting next to the worker it replaces stamps and counts in a slot of its own, so
/// a hung old worker cannot hide behind its busy successor, and the master folds a slot's
/// counters into its retired totals only once its process has been reaped. Pages are touched
/// only when used, so the region's size is address space, not memory.
///
/// One slot, by byte offset (``SlotLayout``):
///
/// | offset          | size                      | holds                                   | written by            |
/// |-----------------|---------------------------|-----------------------------------------|-----------------------|
/// | 0               | 1 word                    | heartbeat: event loops watched          | master, at the spawn  |
/// | 8               | 16 words                  | heartbeat: each loop's last stamp (ns)  | each loop; master too |
/// | 136             | to 256                    | unused: stamps and counters apart       |                       |
/// | 256             | 16 words (``SlotHeader``) | metrics header: series count, requests… | worker                |
/// | 384             | 4096 × 4 words            | series descriptors: kind, value offset, name offset, name length | worker |
/// | 131_456         | 65_536 words              | series values                           | worker, per request   |
/// | 655_744         | 512 KiB                   | series names, `name\0labels` each       | worker                |
/// | end             | to a whole page           |                                         |                       |
///
/// Every word is accessed through swift-atomics' `UnsafeAtomic<UInt64>` (``AtomicWord``), the
/// one atomic primitive of the region: it is inlined to one instruction (a C shim call is not),
/// and it works on memory Swift did not allocate (`Synchronization.Atomic` must own its storage).
/// A worker appends descriptors and publishes them by storing the series count with release
/// ordering; the master reads the count with acquire ordering and never reads past it. Values and
/// heartbeat stamps are relaxed counters and stamps, read as untrusted by the master.
package struct WorkerSlotRegion: @unchecked Sendable {
    /// Slots in the region: the most worker processes a master has at once, `workers` at its
    /// maximum of 1024 each with a replacement booting beside it (2.4 GB of address space, and
    /// only the pages a worker touches in memory: its heartbeat and the metrics it registers).
    package static let defaultSlots = 2048

    /// The memfd, inherited by workers.
    package let fileDescriptor: Int32
    private let base: UnsafeMutableRawPointer
    /// Number of slots.
    package let slots: Int

    /// Creates and maps a region of `slots` slots (master).
    package static func create(slots: Int = defaultSlots) throws(SystemCallError) -> WorkerSlotRegion {
        let fd = cswiftcorn_memfd("swiftcorn-worker-slots")
        guard fd >= 0 else { throw SystemCallError("memfd_create") }
        guard ftruncate(fd, off_t(slots * SlotLayout.size)) == 0 else { throw SystemCallError("ftruncate") }
        guard let raw = mmap(nil, slots * SlotLayout.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), raw != MAP_FAILED else {
            throw SystemCallError("mmap")
        }
        return WorkerSlotRegion(fileDescriptor: fd, base: raw, slots: slots)
    }

    /// Maps slot `number` of an inherited region, and only that slot (worker).
    package static func mapSlot(fileDescriptor: Int32, number: Int) throws(SystemCallError) -> WorkerSlot {
        let offset = off_t(number * SlotLayout.size)
        guard let raw = mmap(nil, SlotLayout.size, PROT_READ | PROT_WRITE, MAP_SHARED, fileDescriptor, offset), raw != MAP_FAILED else {
            throw SystemCallError("mmap")
        }
        return WorkerSlot(base: raw)
    }

    private init(fileDescriptor: Int32, base: UnsafeMutableRawPointer, slots: Int) {
        self.fileDescriptor = fileDescriptor
        self.base = base
        self.slots = slots
    }

    /// Slot `number`, 0 ..< ``slots``.
    package func slot(_ number: Int) -> WorkerSlot {
        precondition(number >= 0 && number < self.slots, "worker slot \(number) out of range")
        return WorkerSlot(base: self.base + number * SlotLayout.size)
    }
}

/// The storage of one atomic 64-bit word of the region (swift-atomics' representation; named
/// here because the standard library's `Synchronization` has a type of the same name).
package typealias AtomicWord = UnsafeAtomic<UInt64>.Storage

/// One worker process's slot of the ``WorkerSlotRegion``: its heartbeat, and its metrics.
package struct WorkerSlot: @unchecked Sendable {
    /// The slot's first byte.
    package let base: UnsafeMutableRawPointer

    /// Wraps the slot at `base`.
    package init(base: UnsafeMutableRawPointer) {
        self.base = base
    }

    /// The metrics part.
    package var metrics: MetricsSlot { MetricsSlot(base: self.base) }

    /// Marks the slot as just started with `loops` event loops, all stamped now (master, at the
    /// spawn: a worker that hangs while booting is caught too).
    package func resetHeartbeat(loops: Int) {
        let now = cswiftcorn_monotonic_ns()
        for loop in 0..<SlotLayout.loopsWatched {
            self.heartbeatWord(1 + loop).store(now, ordering: .releasing)
        }
        self.heartbeatWord(0).store(UInt64(min(max(loops, 1), SlotLayout.loopsWatched)), ordering: .releasing)
    }

    /// Stamps event loop `loop` with the current time (from the loop itself).
    package func stamp(loop: Int) {
        guard loop >= 0, loop < SlotLayout.loopsWatched else { return }
        self.heartbeatWord(1 + loop).store(cswiftcorn_monotonic_ns(), ordering: .releasing)
    }

    /// How long ago the least recently stamped loop stamped, in nanoseconds; a blocked loop
    /// stops stamping, so this is the worker's heartbeat.
    package func heartbeatAge() -> UInt64 {
        let loops = Int(min(self.heartbeatWord(0).load(ordering: .acquiring), UInt64(SlotLayout.loopsWatched)))
        guard loops > 0 else { return 0 }
        let now = cswiftcorn_monotonic_ns()
        var oldest = now
        for loop in 0..<loops {
            oldest = min(oldest, self.heartbeatWord(1 + loop).load(ordering: .acquiring))
        }
        return now > oldest ? now - oldest : 0
    }

    @inline(__always)
    private func heartbeatWord(_ index: Int) -> UnsafeAtomic<UInt64> {
        UnsafeAtomic(at: (self.base + SlotLayout.heartbeatOffset + index * 8).assumingMemoryBound(to: AtomicWord.self))
    }
}

/// Where things are in a slot of the ``WorkerSlotRegion`` (see the table there), in bytes from
/// the slot's start.
package enum SlotLayout {
    /// Event loops of one worker whose heartbeat is watched.
    package static let loopsWatched = 16
    /// Byte offset of the heartbeat: the loop count, then one stamp per loop.
    package static let heartbeatOffset = 0
    /// Bytes of the heartbeat part, padded so the loops' stamps share no cache line with the
    /// counters every request increments.
    package static let heartbeatBytes = 256
    /// Words of the metrics header.
    package static let headerWords = 16
    /// Series one worker can register, the overflow reserve included.
    package static let seriesCapacity = 4096
    /// Of those, kept for each family's `_OTHER` series once the budget is spent.
    package static let overflowReserve = 128
    /// Words of a descriptor.
    package static let descriptorWords = 4
    /// Value words one worker can use.
    package static let valueCapacity = 65_536
    /// Bytes of series names one worker can use.
    package static let nameCapacity = 1 << 19

    /// Byte offset of the metrics header.
    package static let headerOffset = heartbeatOffset + heartbeatBytes
    /// Byte offset of the descriptors.
    package static let descriptorsOffset = headerOffset + headerWords * 8
    /// Byte offset of the values.
    package static let valuesOffset = descriptorsOffset + seriesCapacity * descriptorWords * 8
    /// Byte offset of the names.
    package static let namesOffset = valuesOffset + valueCapacity * 8
    /// Bytes of a slot, a whole number of pages so a worker can map its slot alone.
    package static let size = (namesOffset + nameCapacity + 4095) / 4096 * 4096
}

/// The words of a slot's metrics header.
package enum SlotHeader: Int {
    /// Published series (release/acquire).
    case seriesCount = 0
    /// Registrations refused for lack of room, folded into `_OTHER` series.
    case droppedSeries = 1
    /// Requests the worker finished.
    case requests = 2
    /// Requests in progress, as `Int64` bits.
    case inFlight = 3
    /// The worker index the slot was lent to.
    case workerIndex = 4
    /// Value words in use.
    case valuesUsed = 5
    /// Name bytes in use.
    case namesUsed = 6
}

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
