import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The reading side of the pipeline: fills buffers, cuts them at the last newline, carries the
/// partial line into the next buffer, skips over-long lines, and dispatches blocks to workers.
struct BlockReader {
    /// Shared pools.
    let state: PipelineState
    /// Bounds the blocks in flight.
    let slots: DispatchSemaphore
    /// Tracks the dispatched tasks.
    let group: DispatchGroup
    /// Target bytes per block.
    let blockSize: Int
    /// Problems found while reading (unreadable, empty, over-long lines).
    var diagnostics: InputDiagnostics
    /// Lines counted here rather than by a worker (over-long ones).
    var lines = 0

    /// Creates a reader.
    init(state: PipelineState, slots: DispatchSemaphore, group: DispatchGroup, blockSize: Int) {
        self.state = state
        self.slots = slots
        self.group = group
        self.blockSize = blockSize
        self.diagnostics = InputDiagnostics(sampleLimit: state.options.sampleLimit)
    }

    /// Reads one source to its end.
    mutating func read(_ source: InputSource, index: Int) {
        let name = source.description
        let stream: any ByteSource
        do {
            stream = try InputOpener.open(source)
        } catch {
            self.problem(.unreadableFile, name, index, block: 0, line: 0, detail: error.detail)
            return
        }
        let maxLine = self.state.options.maxLineBytes
        let capacity = self.state.blockCapacity
        var previous: ByteBlock?
        var carryStart = 0
        var carryCount = 0
        var blockIndex = 0
        var total = 0
        var discarding = false
        var ended = false
        while !ended {
            self.slots.wait()
            let block = self.state.takeBlock()
            let base = block.buffer.baseAddress!
            if carryCount > 0, let previous {
                memmove(base, previous.buffer.baseAddress! + carryStart, carryCount)
            }
            var filled = carryCount
            carryCount = 0
            do {
                while filled < self.blockSize {
                    let count = try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: block.buffer[filled..<capacity]))
                    if count == 0 {
                        ended = true
                        break
                    }
                    filled += count
                    total += count
                }
            } catch {
                self.problem(.unreadableFile, name, index, block: blockIndex, line: 0, detail: error.detail)
                ended = true
            }
            let bytes = base.assumingMemoryBound(to: UInt8.self)
            var start = 0
            if discarding {
                if let newline = memchr(bytes, 0x0A, filled) {
                    start = UnsafePointer(newline.assumingMemoryBound(to: UInt8.self)) - UnsafePointer(bytes) + 1
                    discarding = false
                } else {
                    start = filled
                }
            }
            var end = filled
            if !ended {
                end = start
                var position = filled
                while position > start {
                    if bytes[position - 1] == 0x0A {
                        end = position
                        break
                    }
                    position -= 1
                }
            }
            carryStart = end
            carryCount = filled - end
            previous = block
            if end > start {
                block.count = end
                self.dispatch(block, from: start, source: index, name: name, blockIndex: blockIndex)
                blockIndex += 1
            } else {
                self.state.giveBlock(block)
                self.slots.signal()
            }
            if carryCount > maxLine && !discarding {
                // A line longer than the limit: count it once, then drop bytes until its newline.
                self.lines += 1
                self.problem(.lineTooLong, name, index, block: blockIndex, line: 1, detail: "over \(maxLine) bytes")
                self.state.recordLines(source: index, block: blockIndex, count: 1)
                blockIndex += 1
                carryCount = 0
                discarding = true
            }
        }
        if case .journal = source {
            return  // no matching entries is an answer, not a broken file
        }
        if total == 0, !self.diagnostics.samples.contains(where: { $0.sourceIndex == index && $0.problem == .unreadableFile }) {
            self.problem(.emptyFile, name, index, block: 0, line: 0, detail: "")
        }
    }

    /// Hands `block` (lines from offset `start`) to a worker task.
    private func dispatch(_ block: ByteBlock, from start: Int, source: Int, name: String, blockIndex: Int) {
        let state = self.state
        let slots = self.slots
        DispatchQueue.global().async(group: self.group) {
            let worker = state.takeWorker()
            let lines = UnsafeBufferPointer(rebasing: block.lines[start...])
            let count = worker.process(lines, source: source, sourceName: name, blockIndex: blockIndex)
            state.giveWorker(worker)
            state.recordLines(source: source, block: blockIndex, count: count)
            state.giveBlock(block)
            slots.signal()
        }
    }

    /// Records a reading problem.
    private mutating func problem(_ problem: InputProblem, _ name: String, _ index: Int, block: Int, line: Int, detail: String) {
        self.diagnostics.record(
            ProblemSample(problem: problem, source: name, line: 0, detail: detail, sourceIndex: index, block: block, lineInBlock: line)
        )
    }
}

/// A reusable buffer holding a run of whole lines, handed from the reading thread to a worker.
///
/// `@unchecked Sendable`: the pipeline hands a block to exactly one thread at a time (the reader
/// fills it, one worker parses it, then it returns to the pool), so there is no shared mutation.
final class ByteBlock: @unchecked Sendable {
    /// The memory.
    let buffer: UnsafeMutableRawBufferPointer
    /// Bytes of complete lines at the front of ``buffer``.
    var count = 0

    /// Allocates `capacity` bytes.
    init(capacity: Int) {
        self.buffer = .allocate(byteCount: capacity, alignment: 64)
    }

    deinit {
        self.buffer.deallocate()
    }

    /// The complete lines as bytes.
    var lines: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: self.buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: self.count)
    }
}

/// Finished shard readers, collected from their threads.
final class ReaderResults: Sendable {
    /// The readers, behind a lock.
    private let readers = Mutex<[BlockReader]>([])

    /// Adds a finished reader.
    func append(_ reader: BlockReader) {
        self.readers.withLock { $0.append(reader) }
    }

    /// All finished readers.
    var all: [BlockReader] {
        self.readers.withLock { $0 }
    }
}
