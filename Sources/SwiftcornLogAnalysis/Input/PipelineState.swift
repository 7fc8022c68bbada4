import Synchronization

/// The shared state of one analysis run: free buffers, idle workers, and lines per block.
final class PipelineState: Sendable {
    /// Mutable parts, behind one lock; contention is per 4 MiB block, so negligible.
    private struct Shared {
        var freeBlocks: [ByteBlock] = []
        var idleWorkers: [BlockWorker] = []
        var allWorkers: [BlockWorker] = []
        var linesPerBlock: [Int: [Int: Int]] = [:]
    }

    /// The lock-protected state.
    private let shared = Mutex(Shared())
    /// The options every worker uses.
    let options: AnalysisOptions
    /// Bytes per buffer.
    let blockCapacity: Int

    /// Creates the state for a run.
    init(options: AnalysisOptions, blockCapacity: Int) {
        self.options = options
        self.blockCapacity = blockCapacity
    }

    /// A free buffer, allocating one when none is free.
    func takeBlock() -> ByteBlock {
        let reused = self.shared.withLock { $0.freeBlocks.popLast() }
        return reused ?? ByteBlock(capacity: self.blockCapacity)
    }

    /// Returns a buffer to the pool.
    func giveBlock(_ block: ByteBlock) {
        self.shared.withLock { $0.freeBlocks.append(block) }
    }

    /// An idle worker, creating one when all are busy.
    func takeWorker() -> BlockWorker {
        if let worker = self.shared.withLock({ $0.idleWorkers.popLast() }) {
            return worker
        }
        let worker = BlockWorker(options: self.options)
        self.shared.withLock { $0.allWorkers.append(worker) }
        return worker
    }

    /// Returns a worker to the pool.
    func giveWorker(_ worker: BlockWorker) {
        self.shared.withLock { $0.idleWorkers.append(worker) }
    }

    /// Notes how many lines block `block` of source `source` held.
    func recordLines(source: Int, block: Int, count: Int) {
        self.shared.withLock { $0.linesPerBlock[source, default: [:]][block] = count }
    }

    /// Every worker's partial aggregate (call after all tasks finished).
    func partialAggregates() -> [Aggregate] {
        self.shared.withLock { shared in shared.allWorkers.map(\.aggregate) }
    }

    /// The 1-based number of the first line of each block, per source.
    func firstLines() -> [Int: [Int: Int]] {
        self.shared.withLock { shared in
            var result: [Int: [Int: Int]] = [:]
            for (source, blocks) in shared.linesPerBlock {
                var line = 1
                for block in blocks.keys.sorted() {
                    result[source, default: [:]][block] = line
                    line += blocks[block] ?? 0
                }
            }
            return result
        }
    }
}
