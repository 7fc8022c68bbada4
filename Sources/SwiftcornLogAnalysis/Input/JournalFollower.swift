#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--follow`: reads the journal as it grows (`sd_journal_wait`) on the calling thread, and hands
/// a snapshot of the running aggregate to `emit` every `interval` and once at the end.
///
/// One thread suffices: a live journal grows far slower than one core parses, and sd-journal
/// handles must stay on one thread anyway.
package struct JournalFollower {
    /// What to read.
    package var query: JournalQuery
    /// What to compute.
    package var options: AnalysisOptions
    /// µs between snapshots.
    package var interval: Int64
    /// Stop after this many µs, or never.
    package var duration: Int64?

    /// Creates a follower.
    package init(query: JournalQuery, options: AnalysisOptions, interval: Int64, duration: Int64?) {
        self.query = query
        self.options = options
        self.interval = interval
        self.duration = duration
    }

    /// Follows until `duration` passes (or forever), calling `emit` with snapshots.
    package func run(_ emit: (Aggregate) -> Void) throws(InputError) {
        let source = try JournalSource(self.query, follow: true)
        let worker = BlockWorker(options: self.options)
        let capacity = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity + self.options.maxLineBytes + 1, alignment: 16)
        defer { buffer.deallocate() }
        let start = Self.now
        let deadline = self.duration.map { start + $0 }
        var nextEmit = start + self.interval
        var carry = 0
        var block = 0
        while deadline.map({ Self.now < $0 }) ?? true {
            let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[carry..<(carry + capacity)]))
            let filled = carry + count
            let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var end = filled
            while end > 0, bytes[end - 1] != 0x0A {
                end -= 1
            }
            if end > 0 {
                _ = worker.process(UnsafeBufferPointer(start: bytes, count: end), source: 0, sourceName: "journal", blockIndex: block)
                block += 1
            }
            carry = filled - end
            if carry > 0, end > 0 {
                memmove(bytes, bytes + end, carry)
            }
            carry = min(carry, self.options.maxLineBytes)
            let now = Self.now
            if now >= nextEmit {
                emit(worker.aggregate)
                nextEmit = now + self.interval
            }
            if count == 0 {
                let limit = min(nextEmit, deadline ?? nextEmit)
                source.wait(microseconds: max(1000, limit - Self.now))
            }
        }
        emit(worker.aggregate)
    }

    /// Wall-clock µs.
    static var now: Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }
}
