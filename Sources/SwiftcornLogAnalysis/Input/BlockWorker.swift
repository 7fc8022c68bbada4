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
