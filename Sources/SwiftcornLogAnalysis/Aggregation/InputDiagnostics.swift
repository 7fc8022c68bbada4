/// Counts of unusable input per kind, plus the first few occurrences.
package struct InputDiagnostics: Sendable {
    /// Count per ``InputProblem`` raw value.
    package private(set) var counts = [Int](repeating: 0, count: InputProblem.allCases.count)
    /// The earliest problems in input order, at most the sample limit.
    package private(set) var samples: [ProblemSample] = []
    /// How many samples to keep.
    let sampleLimit: Int

    /// Creates empty diagnostics keeping `sampleLimit` samples.
    init(sampleLimit: Int) {
        self.sampleLimit = sampleLimit
    }

    /// Total number of problems.
    package var total: Int { self.counts.reduce(0, +) }

    /// The count for one kind.
    package func count(_ problem: InputProblem) -> Int { self.counts[problem.rawValue] }

    /// Records one problem, keeping it as a sample when it is among the earliest.
    mutating func record(_ sample: ProblemSample) {
        self.counts[sample.problem.rawValue] += 1
        self.keep(sample)
    }

    /// Keeps `sample` if it is earlier than the latest kept one.
    private mutating func keep(_ sample: ProblemSample) {
        if self.samples.count < self.sampleLimit {
            self.samples.append(sample)
            return
        }
        guard let latest = self.samples.indices.max(by: { Self.precedes(self.samples[$0], self.samples[$1]) }),
            Self.precedes(sample, self.samples[latest])
        else { return }
        self.samples[latest] = sample
    }

    /// Input order of two samples.
    private static func precedes(_ a: ProblemSample, _ b: ProblemSample) -> Bool {
        (a.sourceIndex, a.block, a.lineInBlock) < (b.sourceIndex, b.block, b.lineInBlock)
    }

    /// Adds another partial result.
    mutating func merge(_ other: InputDiagnostics) {
        for index in self.counts.indices {
            self.counts[index] += other.counts[index]
        }
        for sample in other.samples {
            self.keep(sample)
        }
    }

    /// Turns block-relative line numbers into file line numbers and sorts the samples.
    mutating func resolveLines(firstLineOfBlock: (Int, Int) -> Int) {
        for index in self.samples.indices where self.samples[index].lineInBlock > 0 {
            let sample = self.samples[index]
            self.samples[index].line = firstLineOfBlock(sample.sourceIndex, sample.block) + sample.lineInBlock - 1
        }
        self.samples.sort { Self.precedes($0, $1) }
    }
}
