import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one pass over the sources: a reader thread cuts the (decompressed) bytes into blocks of
/// whole lines and worker tasks parse and aggregate blocks in parallel, each into its own partial
/// aggregate, merged at the end. Memory stays bounded by (workers + 1) blocks plus the aggregates.
package struct Analyzer: Sendable {
    /// What to compute.
    package let options: AnalysisOptions

    /// Creates an analyzer.
    package init(options: AnalysisOptions) {
        self.options = options
    }

    /// Bytes of whole lines handed to a worker at once.
    var blockSize: Int { max(4 << 20, self.options.maxLineBytes * 2) }

    /// Number of parsing tasks that may run at once.
    var workerCount: Int {
        if self.options.workers > 0 {
            return self.options.workers
        }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// The parts of `source` that can be read in parallel: journal-directory shards, else itself.
    static func shards(of source: InputSource, count: Int) -> [InputSource] {
        guard case .journal(let query) = source else { return [source] }
        return JournalShards.split(query, count: count).map { .journal($0) }
    }

    /// Reads `shards` at once, one reader thread each, feeding the same worker pool.
    ///
    /// Each reader runs on its own serial queue, which libdispatch backs with an overcommit
    /// thread, so blocked readers can never starve the worker tasks of threads.
    static func readConcurrently(
        _ shards: [InputSource],
        firstIndex: Int,
        state: PipelineState,
        slots: DispatchSemaphore,
        group: DispatchGroup,
        blockSize: Int
    ) -> [BlockReader] {
        let readers = ReaderResults()
        let done = DispatchGroup()
        for (offset, shard) in shards.enumerated() {
            DispatchQueue(label: "swiftcorn-logs.reader.\(offset)").async(group: done) {
                var reader = BlockReader(state: state, slots: slots, group: group, blockSize: blockSize)
                reader.read(shard, index: firstIndex + offset)
                readers.append(reader)
            }
        }
        done.wait()
        return readers.all
    }

    /// Reads `sources` in order and returns the merged aggregate.
    package func run(_ sources: [InputSource]) -> Aggregate {
        let state = PipelineState(options: self.options, blockCapacity: self.blockSize + self.options.maxLineBytes + 1)
        let slots = DispatchSemaphore(value: self.workerCount + 2)
        let group = DispatchGroup()
        var reader = BlockReader(state: state, slots: slots, group: group, blockSize: self.blockSize)
        var shardReaders: [BlockReader] = []
        var index = 0
        for source in sources {
            let shards = Self.shards(of: source, count: self.workerCount)
            if shards.count == 1 {
                reader.read(source, index: index)
            } else {
                shardReaders += Self.readConcurrently(shards, firstIndex: index, state: state, slots: slots, group: group, blockSize: self.blockSize)
            }
            index += shards.count
        }
        group.wait()
        var result = Aggregate(options: self.options)
        for partial in state.partialAggregates() {
            result.merge(partial)
        }
        for finished in [reader] + shardReaders {
            result.lines += finished.lines
            result.diagnostics.merge(finished.diagnostics)
        }
        let firstLines = state.firstLines()
        result.diagnostics.resolveLines { source, block in firstLines[source]?[block] ?? 1 }
        return result
    }
}
