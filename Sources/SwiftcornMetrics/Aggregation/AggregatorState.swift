import Atomics

#if canImport(Glibc)
import Glibc
#endif

/// What ``WorkerSlots`` keeps under its lock.
struct AggregatorState: ~Copyable {
    /// Which slot each worker process has.
    var lender: SlotLender
    var series: [AggregateSeries] = []
    var lookup: [SeriesName: Int] = [:]
    var familyMembers: [String: [Int]] = [:]
    var familyOrder: [String] = []
    /// Exited workers' counter and histogram words, by ``AggregateSeries/offset``.
    var retired: [UInt64] = []
    var retiredRequests: [Int: UInt64] = [:]
    var retiredCPUSeconds: [Int: Double] = [:]
    var droppedSeries: UInt64 = 0

    init(slots: Int) {
        self.lender = SlotLender(count: slots)
    }

    /// Reads the descriptors slot `number` published since the last read.
    mutating func sync(slot number: Int, region: WorkerSlotRegion) {
        guard var mapping = self.lender.loans[number]?.mapping else { return }
        let slot = region.slot(number).metrics
        // Words a worker wrote are read as untrusted: a bad value is skipped, never trapped on.
        let published = Int(min(slot.header(.seriesCount).load(ordering: .acquiring), UInt64(SlotLayout.seriesCapacity)))
        guard published > mapping.count else { return }
        for index in mapping.count..<published {
            let descriptor = slot.descriptor(index)
            guard let kind = SeriesKind(rawValue: UInt8(truncatingIfNeeded: descriptor[0])),
                descriptor[1] <= UInt64(SlotLayout.valueCapacity - kind.wordCount),
                descriptor[2] <= UInt64(SlotLayout.nameCapacity), descriptor[3] <= UInt64(SlotLayout.nameCapacity) - descriptor[2],
                let name = SeriesName(stored: UnsafeBufferPointer(start: slot.names + Int(descriptor[2]), count: Int(descriptor[3])))
            else {
                mapping.append((-1, 0))
                continue
            }
            mapping.append((self.aggregate(name, kind: kind), Int(descriptor[1])))
        }
        self.lender.setMapping(mapping, of: number)
    }

    /// The aggregate series of `name`, created if new; `-1` when it exists with another kind.
    private mutating func aggregate(_ name: SeriesName, kind: SeriesKind) -> Int {
        if let index = self.lookup[name] {
            return self.series[index].kind == kind ? index : -1
        }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let index = self.series.count
        self.series.append(
            AggregateSeries(name: name, kind: kind, offset: self.retired.count, created: Double(now.tv_sec) + Double(now.tv_nsec) / 1e9)
        )
        self.retired.append(contentsOf: repeatElement(0, count: kind.wordCount))
        self.lookup[name] = index
        if self.familyMembers[name.metric] == nil {
            self.familyOrder.append(name.metric)
            self.familyOrder.sort()
        }
        self.familyMembers[name.metric, default: []].append(index)
        return index
    }

    func sortedFamilies() -> [(metric: String, members: [Int])] {
        self.familyOrder.map { ($0, self.familyMembers[$0] ?? []) }
    }
}

/// Adds a slot's words to a flat array of totals, by kind.
enum SlotSummation {
    static func add(slot: MetricsSlot, offset: Int, kind: SeriesKind, into totals: inout [UInt64], at target: Int) {
        switch kind {
        case .floatCounter, .floatGauge:
            totals[target] = (Double(bitPattern: totals[target]) + Self.load(slot, offset)).bitPattern
        case .valueHistogram:
            let sumWord = kind.wordCount - 2
            for word in 0..<kind.wordCount {
                if word == sumWord {
                    totals[target + word] = (Double(bitPattern: totals[target + word]) + Self.load(slot, offset + word)).bitPattern
                } else {
                    totals[target + word] &+= UnsafeAtomic(at: slot.value(offset + word)).load(ordering: .relaxed)
                }
            }
        case .counter, .gauge, .durationHistogram, .sizeHistogram:
            for word in 0..<kind.wordCount {
                totals[target + word] &+= UnsafeAtomic(at: slot.value(offset + word)).load(ordering: .relaxed)
            }
        }
    }

    private static func load(_ slot: MetricsSlot, _ offset: Int) -> Double {
        Double(bitPattern: UnsafeAtomic(at: slot.value(offset)).load(ordering: .relaxed))
    }
}
