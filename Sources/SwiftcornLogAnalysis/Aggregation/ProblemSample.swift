/// One bad line kept for the report: where it was and what was wrong.
package struct ProblemSample: Sendable {
    /// The kind.
    package var problem: InputProblem
    /// The source's name (path or `-`).
    package var source: String
    /// 1-based line number, 0 for whole-file problems.
    package var line: Int
    /// More detail, possibly empty.
    package var detail: String
    /// Index of the source, for ordering.
    var sourceIndex: Int
    /// Index of the block within the source; resolved into `line` after the pass.
    var block: Int
    /// 1-based line within the block.
    var lineInBlock: Int

    /// The `file:line: kind (detail)` form for stderr.
    package var description: String {
        let location = self.line > 0 ? "\(self.source):\(self.line)" : self.source
        return self.detail.isEmpty ? "\(location): \(self.problem)" : "\(location): \(self.problem) (\(self.detail))"
    }
}
