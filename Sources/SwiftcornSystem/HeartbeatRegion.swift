import CSwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// Shared memory the master creates and every worker maps: one slot per worker process (the
/// master lends them), where each event loop of the worker stamps the monotonic time from the
/// loop itself.
///
/// A blocked loop stops stamping, so the slot's oldest stamp is the worker's heartbeat. The
/// master only reads; each slot is written by its worker (and by the master when it spawns one).
public struct HeartbeatRegion: @unchecked Sendable {
    /// Stamps per slot: event loops of one worker that are watched.
    public static let loopsPerSlot = 16
    private static let slotWords = loopsPerSlot + 1

    /// The memfd, inherited by workers.
    public let fileDescriptor: Int32
    private let base: UnsafeMutablePointer<UInt64>
    /// Number of slots.
    public let slots: Int

    /// Creates a region for `slots` workers (master).
    public static func create(slots: Int) throws(SystemCallError) -> HeartbeatRegion {
        let fd = cswiftcorn_memfd("swiftcorn-heartbeats")
        guard fd >= 0 else { throw SystemCallError("memfd_create") }
        return try Self.map(fileDescriptor: fd, slots: slots, resize: true)
    }

    /// Maps an inherited region (worker).
    public static func map(fileDescriptor: Int32, slots: Int, resize: Bool = false) throws(SystemCallError) -> HeartbeatRegion {
        let size = slots * Self.slotWords * 8
        if resize {
            guard ftruncate(fileDescriptor, off_t(size)) == 0 else { throw SystemCallError("ftruncate") }
        }
        guard let raw = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fileDescriptor, 0), raw != MAP_FAILED else {
            throw SystemCallError("mmap")
        }
        return HeartbeatRegion(fileDescriptor: fileDescriptor, base: raw.assumingMemoryBound(to: UInt64.self), slots: slots)
    }

    private init(fileDescriptor: Int32, base: UnsafeMutablePointer<UInt64>, slots: Int) {
        self.fileDescriptor = fileDescriptor
        self.base = base
        self.slots = slots
    }

    /// Marks slot `index` (1…N) as just started with `loops` event loops, all stamped now.
    public func reset(index: Int, loops: Int) {
        guard let slot = self.slot(index) else { return }
        let now = cswiftcorn_monotonic_ns()
        for loop in 0..<Self.loopsPerSlot {
            cswiftcorn_store_u64(slot + 1 + loop, now)
        }
        cswiftcorn_store_u64(slot, UInt64(min(max(loops, 1), Self.loopsPerSlot)))
    }

    /// Stamps event loop `loop` of slot `index` with the current time.
    public func stamp(index: Int, loop: Int) {
        guard let slot = self.slot(index), loop < Self.loopsPerSlot else { return }
        cswiftcorn_store_u64(slot + 1 + loop, cswiftcorn_monotonic_ns())
    }

    /// How long ago the least recently stamped loop of slot `index` stamped, in nanoseconds.
    public func age(index: Int) -> UInt64 {
        guard let slot = self.slot(index) else { return 0 }
        let loops = Int(cswiftcorn_load_u64(slot))
        guard loops > 0 else { return 0 }
        let now = cswiftcorn_monotonic_ns()
        var oldest = now
        for loop in 0..<min(loops, Self.loopsPerSlot) {
            oldest = min(oldest, cswiftcorn_load_u64(slot + 1 + loop))
        }
        return now > oldest ? now - oldest : 0
    }

    private func slot(_ index: Int) -> UnsafeMutablePointer<UInt64>? {
        guard index >= 1, index <= self.slots else { return nil }
        return self.base + (index - 1) * Self.slotWords
    }
}
