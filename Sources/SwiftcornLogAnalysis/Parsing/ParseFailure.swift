/// Why one line could not be used, with a short detail for the stderr report.
struct ParseFailure: Error, Sendable {
    /// The kind, for counting.
    var problem: InputProblem
    /// Which key or byte offset, when known.
    var detail: String

    /// Creates a failure of `problem`.
    init(_ problem: InputProblem, _ detail: String = "") {
        self.problem = problem
        self.detail = detail
    }
}
