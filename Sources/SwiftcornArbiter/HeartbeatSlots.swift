/// Which heartbeat slot each worker process stamps.
///
/// A slot belongs to one process, not to a worker index: while a replacement boots next to the
/// worker it replaces (reload, recycling), each stamps its own slot, so a hung old worker cannot
/// hide behind its busy successor. Slot 0 is never lent.
struct HeartbeatSlots {
    private var free: [Int]
    private var byPid: [Int32: Int] = [:]

    /// Slots 1 ..< `count`.
    init(count: Int) {
        self.free = Array((1..<count).reversed())
    }

    /// A free slot for a worker about to be spawned.
    mutating func take() -> Int? {
        self.free.popLast()
    }

    /// Slot `slot` is stamped by `pid` from now on.
    mutating func assign(_ slot: Int, to pid: Int32) {
        self.byPid[pid] = slot
    }

    /// Gives back a slot whose worker never started.
    mutating func giveBack(_ slot: Int) {
        self.free.append(slot)
    }

    /// `pid` was reaped: its slot is free.
    mutating func release(pid: Int32) {
        if let slot = self.byPid.removeValue(forKey: pid) {
            self.free.append(slot)
        }
    }

    /// The slot `pid` stamps.
    func slot(of pid: Int32) -> Int? {
        self.byPid[pid]
    }
}
