/// Which slot of the ``WorkerSlotRegion`` each worker process has: the master's one lender.
///
/// A slot is taken before the spawn, assigned to the pid the spawn returns, and released when
/// that pid is reaped (or given back when the spawn failed). Every slot of the region is lent,
/// slot 0 included. What a released slot's worker counted is folded by ``WorkerSlots`` before
/// the slot is released, and a slot is cleared when it is taken again.
struct SlotLender {
    /// A slot lent to a worker process, and how far the master has read its descriptors.
    struct Loan {
        /// The worker index it serves.
        let workerIndex: Int
        /// The worker's pid, once spawned.
        var pid: Int32?
        /// For each of the slot's series read so far: its aggregate series and its value offset;
        /// aggregate `-1` for a series whose kind disagrees with the aggregate of that name.
        var mapping: [(aggregate: Int, offset: Int)] = []
    }

    /// Free slots, the next one to lend last.
    private var free: [Int]
    /// Lent slots, by slot number.
    private(set) var loans: [Int: Loan] = [:]
    private var byPid: [Int32: Int] = [:]

    /// A lender of slots 0 ..< `count`, all free; the lowest are lent first.
    init(count: Int) {
        self.free = Array((0..<count).reversed())
    }

    /// A free slot for a worker about to be spawned for `workerIndex`; `nil` when every slot is lent.
    mutating func take(workerIndex: Int) -> Int? {
        guard let number = self.free.popLast() else { return nil }
        self.loans[number] = Loan(workerIndex: workerIndex)
        return number
    }

    /// The worker spawned into slot `number` is `pid`.
    mutating func assign(_ number: Int, to pid: Int32) {
        guard self.loans[number] != nil else { return }
        self.loans[number]?.pid = pid
        self.byPid[pid] = number
    }

    /// The worker for slot `number` could not be spawned: the slot is free again.
    mutating func giveBack(_ number: Int) {
        guard let loan = self.loans.removeValue(forKey: number) else { return }
        if let pid = loan.pid { self.byPid[pid] = nil }
        self.free.append(number)
    }

    /// `pid` was reaped: its slot is free; the slot and what it was lent for, if `pid` had one.
    @discardableResult
    mutating func release(pid: Int32) -> (number: Int, loan: Loan)? {
        guard let number = self.byPid.removeValue(forKey: pid), let loan = self.loans.removeValue(forKey: number) else { return nil }
        self.free.append(number)
        return (number, loan)
    }

    /// The slot of `pid`.
    func slot(of pid: Int32) -> Int? {
        self.byPid[pid]
    }

    /// Records how far the master has read slot `number`'s descriptors.
    mutating func setMapping(_ mapping: [(aggregate: Int, offset: Int)], of number: Int) {
        self.loans[number]?.mapping = mapping
    }
}
