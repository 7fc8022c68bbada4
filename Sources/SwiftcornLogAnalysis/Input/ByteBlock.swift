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
