import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses blocks of lines into its own partial ``Aggregate``; one per concurrently running task.
///
/// `@unchecked Sendable`: a worker is only ever used by the task that took it from the pool, and
/// the pool's lock orders the hand-over; its `Regex`-holding filter never crosses threads concurrently.
final class BlockWorker: @unchecked Sendable {
    /// The partial result.
    var aggregate: Aggregate
    /// The line parser.
    private let parser: LineParser
    /// The reusable record.
    private var record: ParsedRecord
    /// The compiled `--where` filter.
    private let filter: CompiledFilter?
    /// Longer lines are skipped.
    private let maxLineBytes: Int

    /// Creates a worker for `options`.
    init(options: AnalysisOptions) {
        self.aggregate = Aggregate(options: options)
        self.parser = LineParser(extraKeys: options.extraKeys)
        self.record = ParsedRecord(extraKeys: options.extraKeys.count)
        self.filter = options.filter.map(CompiledFilter.init)
        self.maxLineBytes = options.maxLineBytes
    }

    /// Parses every line of `block`; returns the number of lines (including blank ones).
    func process(_ block: UnsafeBufferPointer<UInt8>, source: Int, sourceName: String, blockIndex: Int) -> Int {
        guard let base = block.baseAddress else { return 0 }
        self.aggregate.bytes += block.count
        var lineNumber = 0
        var start = 0
        let count = block.count
        while start < count {
            let newline = memchr(base + start, 0x0A, count - start)
            let end = newline.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? count
            lineNumber += 1
            var lineEnd = end
            if lineEnd > start, base[lineEnd - 1] == 0x0D {
                lineEnd -= 1
            }
            let line = UnsafeBufferPointer(start: base + start, count: lineEnd - start)
            start = end + 1
            if Self.isBlank(line) {
                continue
            }
            self.aggregate.lines += 1
            if line.count > self.maxLineBytes {
                self.report(ParseFailure(.lineTooLong, "\(line.count) bytes"), source, sourceName, blockIndex, lineNumber)
                continue
            }
            if let failure = self.parser.parse(line, into: &self.record) {
                self.report(failure, source, sourceName, blockIndex, lineNumber)
                continue
            }
            if self.record.kind != .access {
                self.aggregate.add(other: self.record)
            } else if let filter = self.filter, !filter.matches(self.record) {
                self.aggregate.filteredOut += 1
            } else {
                self.aggregate.add(access: self.record)
            }
        }
        return lineNumber
    }

    /// Counts a bad line and keeps it as a sample if early.
    private func report(_ failure: ParseFailure, _ source: Int, _ name: String, _ block: Int, _ line: Int) {
        self.aggregate.diagnostics.record(
            ProblemSample(
                problem: failure.problem,
                source: name,
                line: 0,
                detail: failure.detail,
                sourceIndex: source,
                block: block,
                lineInBlock: line
            )
        )
    }

    /// Whether a line holds only spaces and tabs.
    @inline(__always)
    private static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in line where byte != 0x20 && byte != 0x09 {
            return false
        }
        return true
    }
}

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
