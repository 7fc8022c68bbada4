import SwiftcornTestKit
import Testing

@testable import SwiftcornMetrics

@Suite("Metrics store and aggregation")
struct WorkerSlotsTests {
    let region: WorkerSlotRegion
    let aggregator: WorkerSlots

    init() throws {
        self.region = try WorkerSlotRegion.create(slots: 4)
        self.aggregator = WorkerSlots(region: self.region)
    }

    /// A slot lent for `index`, attached to a fake pid, and a writer on it.
    func worker(index: Int, pid: Int32) throws -> SlotWriter {
        let number = try #require(self.aggregator.lend(workerIndex: index))
        self.aggregator.attach(slot: number, pid: pid)
        return SlotWriter(slot: self.region.slot(number).metrics, workerIndex: index)
    }

    func counter(_ snapshot: MetricsSnapshot, _ name: SeriesName) -> UInt64? {
        snapshot.series.first { $0.name == name }.map { snapshot.totals[$0.offset] }
    }

    @Test("counters of two workers are summed, gauges too")
    func sumsLiveSlots() throws {
        let one = try self.worker(index: 1, pid: 101)
        let two = try self.worker(index: 2, pid: 102)
        let name = SeriesName("things_total", labels: [("kind", "a")])
        one.series(name, kind: .counter).increment(by: 3)
        two.series(name, kind: .counter).increment(by: 4)
        one.series(SeriesName("level"), kind: .gauge).adjust(by: 5)
        two.series(SeriesName("level"), kind: .gauge).adjust(by: -2)
        let snapshot = self.aggregator.snapshot()
        #expect(self.counter(snapshot, name) == 7)
        #expect(self.counter(snapshot, SeriesName("level")).map { Int64(bitPattern: $0) } == 3)
        #expect(snapshot.workers.map(\.pid).sorted() == [101, 102])
    }

    @Test("an exited worker's counters stay, once; its gauges go; its slot is reused clean")
    func retiresIntoTotals() throws {
        let one = try self.worker(index: 1, pid: 101)
        let name = SeriesName("things_total")
        one.series(name, kind: .counter).increment(by: 10)
        one.series(SeriesName("level"), kind: .gauge).adjust(by: 5)
        one.requestFinished()
        #expect(self.counter(self.aggregator.snapshot(), name) == 10)
        self.aggregator.retire(pid: 101, cpuSeconds: 1.5)
        let after = self.aggregator.snapshot()
        #expect(self.counter(after, name) == 10)
        #expect(self.counter(after, SeriesName("level")) == 0)
        #expect(after.requests(workerIndex: 1) == 1)
        #expect(after.retiredCPUSeconds[1] == 1.5)
        let next = try self.worker(index: 1, pid: 201)
        next.series(name, kind: .counter).increment()
        #expect(self.counter(self.aggregator.snapshot(), name) == 11)
    }

    @Test("histograms count by bucket; the exposition is cumulative and its count is the buckets' sum")
    func histogram() throws {
        let one = try self.worker(index: 1, pid: 101)
        let series = one.series(SeriesName("latency_seconds"), kind: .durationHistogram)
        series.observe(UInt64(2_000_000))  // 2 ms: first bucket
        series.observe(UInt64(300_000_000))  // 300 ms: le 0.5
        series.observe(UInt64(20_000_000_000))  // 20 s: +Inf
        let text = String(
            decoding: ExpositionRenderer(format: .prometheus, masterStarted: 0).render(self.aggregator.snapshot(), families: []),
            as: UTF8.self
        )
        #expect(text.contains("latency_seconds_bucket{le=\"0.005\"} 1\n"))
        #expect(text.contains("latency_seconds_bucket{le=\"0.25\"} 1\n"))
        #expect(text.contains("latency_seconds_bucket{le=\"0.5\"} 2\n"))
        #expect(text.contains("latency_seconds_bucket{le=\"10\"} 2\n"))
        #expect(text.contains("latency_seconds_bucket{le=\"+Inf\"} 3\n"))
        #expect(text.contains("latency_seconds_count 3\n"))
        #expect(text.contains("latency_seconds_sum 20.302\n"))
        #expect(text.contains("# TYPE latency_seconds histogram\n"))
    }

    @Test("past the series budget new series fold into _OTHER and are counted")
    func overflow() throws {
        let one = try self.worker(index: 1, pid: 101)
        let budget = SlotLayout.seriesCapacity - SlotLayout.overflowReserve
        for route in 0..<(budget + 10) {
            one.series(SeriesName("hits_total", labels: [("route", "/r/\(route)")]), kind: .counter).increment()
        }
        let snapshot = self.aggregator.snapshot()
        #expect(self.counter(snapshot, SeriesName("hits_total", labels: [("route", "_OTHER")])) == 10)
        #expect(snapshot.droppedSeries == 10)
        #expect(snapshot.series.count == budget + 1)
    }

    @Test("OpenMetrics: counter families without _total, _created samples, # EOF")
    func openMetrics() throws {
        let one = try self.worker(index: 1, pid: 101)
        one.series(SeriesName("jobs_total", labels: [("q", "a\"b")]), kind: .counter).increment(by: 2)
        let family = MetricFamily("swiftcorn_reloads_total", .counter, help: "Reloads.", samples: [.init([], 1)])
        let text = String(
            decoding: ExpositionRenderer(format: .openMetrics, masterStarted: 1000).render(self.aggregator.snapshot(), families: [family]),
            as: UTF8.self
        )
        #expect(text.contains("# TYPE jobs counter\n"))
        #expect(text.contains("jobs_total{q=\"a\\\"b\"} 2\n"))
        #expect(text.contains("jobs_created{q=\"a\\\"b\"} "))
        #expect(text.contains("# TYPE swiftcorn_reloads counter\nswiftcorn_reloads_total 1\nswiftcorn_reloads_created 1000\n"))
        #expect(text.hasSuffix("# EOF\n"))
    }

    @Test("swift-metrics instruments: counters get _total, timers export seconds, meters are gauges")
    func backend() throws {
        let one = try self.worker(index: 1, pid: 101)
        let factory = SlotMetricsFactory(writer: one)
        factory.makeCounter(label: "app.orders", dimensions: [("shop-id", "7")]).increment(by: 5)
        factory.makeTimer(label: "app_step_seconds", dimensions: []).recordNanoseconds(1_500_000_000)
        factory.makeMeter(label: "queue", dimensions: []).set(4.5)
        let snapshot = self.aggregator.snapshot()
        #expect(self.counter(snapshot, SeriesName("app_orders_total", labels: [("shop_id", "7")])) == 5)
        #expect(self.counter(snapshot, SeriesName("queue")).map(Double.init(bitPattern:)) == 4.5)
        let timer = try #require(snapshot.series.first { $0.name.metric == "app_step_seconds" })
        #expect(timer.kind == .durationHistogram)
    }

    @Test("a slot lent again after its worker exited starts clean, its counts folded once")
    func reusedSlotStartsClean() throws {
        let first = try #require(self.aggregator.lend(workerIndex: 1))
        self.aggregator.attach(slot: first, pid: 101)
        let one = SlotWriter(slot: self.region.slot(first).metrics, workerIndex: 1)
        let name = SeriesName("things_total")
        one.series(name, kind: .counter).increment(by: 7)
        one.series(SeriesName("level"), kind: .gauge).adjust(by: 3)
        one.requestFinished()
        self.aggregator.retire(pid: 101, cpuSeconds: 0)
        // The lowest free slot is lent first: the same slot, cleared.
        let again = try #require(self.aggregator.lend(workerIndex: 2))
        #expect(again == first)
        let slot = self.region.slot(again).metrics
        #expect(slot.header(.seriesCount).load(ordering: .relaxed) == 0)
        #expect(slot.header(.requests).load(ordering: .relaxed) == 0)
        #expect(UnsafeRawPointer(slot.value(0)).load(as: UInt64.self) == 0)
        self.aggregator.attach(slot: again, pid: 202)
        let two = SlotWriter(slot: slot, workerIndex: 2)
        two.series(name, kind: .counter).increment(by: 2)
        let snapshot = self.aggregator.snapshot()
        #expect(self.counter(snapshot, name) == 9)
        #expect(self.counter(snapshot, SeriesName("level")) == 0)
        #expect(snapshot.requests(workerIndex: 1) == 1)
        #expect(snapshot.workers.map(\.pid) == [202])
    }

    @Test("a slot given back after a failed spawn is lent again; retiring an unknown pid changes nothing")
    func reclaimAndUnknownPid() throws {
        let number = try #require(self.aggregator.lend(workerIndex: 1))
        self.aggregator.reclaim(slot: number)
        #expect(self.aggregator.lend(workerIndex: 1) == number)
        self.aggregator.attach(slot: number, pid: 101)
        self.aggregator.retire(pid: 999, cpuSeconds: 1)
        #expect(self.aggregator.slot(of: 101) == number)
        #expect(self.aggregator.snapshot().retiredCPUSeconds.isEmpty)
    }

    @Test("each process stamps its own slot: a stale slot ages while its neighbour is fresh")
    func heartbeatPerSlot() throws {
        let old = try #require(self.aggregator.lend(workerIndex: 1))
        let new = try #require(self.aggregator.lend(workerIndex: 1))
        self.aggregator.attach(slot: old, pid: 101)
        self.aggregator.attach(slot: new, pid: 102)
        #expect(self.aggregator.heartbeatAge(of: 101) == 0, "never reset: no loops watched")
        self.region.slot(old).resetHeartbeat(loops: 2)
        self.region.slot(new).resetHeartbeat(loops: 2)
        // Poll until time visibly passes for the slot nobody stamps.
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline, (self.aggregator.heartbeatAge(of: 101) ?? 0) < 2_000_000 {
            self.region.slot(new).stamp(loop: 0)
            self.region.slot(new).stamp(loop: 1)
        }
        self.region.slot(new).stamp(loop: 0)
        self.region.slot(new).stamp(loop: 1)
        let stale = try #require(self.aggregator.heartbeatAge(of: 101))
        let fresh = try #require(self.aggregator.heartbeatAge(of: 102))
        #expect(stale >= 2_000_000)
        #expect(fresh < stale)
        #expect(self.aggregator.heartbeatAge(of: 103) == nil)
    }
}

@Suite("The worker-slot lender")
struct SlotLenderTests {
    @Test("take, assign, release: slots go to processes, lowest first, and come back")
    func lifecycle() {
        var lender = SlotLender(count: 3)
        #expect(lender.take(workerIndex: 1) == 0)
        #expect(lender.take(workerIndex: 1) == 1)
        lender.assign(0, to: 100)
        lender.assign(1, to: 101)
        #expect(lender.slot(of: 100) == 0)
        #expect(lender.slot(of: 101) == 1)
        #expect(lender.loans[1]?.workerIndex == 1)
        let released = lender.release(pid: 100)
        #expect(released?.number == 0)
        #expect(released?.loan.pid == 100)
        #expect(lender.slot(of: 100) == nil)
        #expect(lender.release(pid: 100) == nil, "released once")
        #expect(lender.take(workerIndex: 2) == 0)
        #expect(lender.loans[0]?.pid == nil, "a new loan knows no pid yet")
    }

    @Test("exhaustion: no slot until one is given back or released")
    func exhaustion() {
        var lender = SlotLender(count: 2)
        let first = lender.take(workerIndex: 1)
        let second = lender.take(workerIndex: 2)
        #expect(first != nil && second != nil)
        #expect(lender.take(workerIndex: 3) == nil)
        lender.giveBack(1)
        #expect(lender.take(workerIndex: 3) == 1)
        #expect(lender.take(workerIndex: 4) == nil)
        lender.assign(0, to: 500)
        lender.release(pid: 500)
        #expect(lender.take(workerIndex: 4) == 0)
        #expect(lender.loans.count == 2)
    }

    @Test("a slot given back forgets its pid; assigning a slot never taken does nothing")
    func giveBackAndStrayAssign() {
        var lender = SlotLender(count: 2)
        let slot = lender.take(workerIndex: 1)!
        lender.assign(slot, to: 42)
        lender.giveBack(slot)
        #expect(lender.slot(of: 42) == nil)
        lender.assign(1, to: 43)
        #expect(lender.slot(of: 43) == nil)
        #expect(lender.loans.isEmpty)
    }
}

@Suite("swift-metrics instruments mirrored to statsd")
struct StatsdMirrorTests {
    @Test("a meter sends its value after each change, not the step")
    func meterSendsItsValue() throws {
        let listener = try UDPListener()
        let client = try StatsdClient(
            configuration: StatsdClient.Configuration(host: "127.0.0.1", port: UInt16(listener.port), prefix: "app", flushInterval: .seconds(3600))
        )
        defer { client.shutdown() }
        let region = try WorkerSlotRegion.create(slots: 1)
        let writer = SlotWriter(slot: region.slot(0).metrics, workerIndex: 1)
        let meter = SlotMetricsFactory(writer: writer, statsd: client).makeMeter(label: "queue", dimensions: [])
        meter.set(Double(5))
        meter.increment(by: 2.0)
        meter.decrement(by: 3.0)
        client.flushNow()
        let lines = try listener.waitForLines { $0.contains { $0.hasPrefix("app.queue:") } }
        // The last value of the interval wins: 5 + 2 - 3.
        #expect(lines.filter { $0.hasPrefix("app.queue:") } == ["app.queue:4|g"])
    }
}
