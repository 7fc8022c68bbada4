/// Lints an exposition with Prometheus's own `promtool check metrics` (Debian's `prometheus`
/// package, installed by `make deps`).
///
/// Exit statuses of `promtool check metrics` (Prometheus 2.42, `cmd/promtool/main.go`,
/// `CheckMetrics`; checked by hand against Debian 12's build):
/// - `0`: parsed, and promlint found no problem; nothing is printed.
/// - `1` (`failureExitCode`): the text does not parse as the Prometheus text format; stderr holds
///   `error while linting: text format parsing error in line N: …`.
/// - `3` (`lintErrExitCode`): it parses, but promlint found problems (for example a counter
///   without `_total`, no `# HELP`, a unit abbreviation); stderr holds one `metric_name problem`
///   line per problem.
///
/// promtool reads the Prometheus text format only, with `expfmt.TextParser`: an OpenMetrics body
/// is not judged as OpenMetrics (its `# EOF` and `# UNIT` lines are skipped as comments), so use
/// `OpenMetricsParser` for that. An empty body passes with status 0.
public enum Promtool {
    /// What one `promtool check metrics` run said.
    public struct CheckResult: Sendable, CustomStringConvertible {
        /// promtool's exit status: 0 clean, 1 parse error, 3 lint problems.
        public let status: Int32
        /// What it printed, stderr then stdout (problems and errors go to stderr).
        public let output: String

        /// Status 0: parsed and lint-clean.
        public var isClean: Bool { self.status == 0 }
        /// Status 1: the body does not parse.
        public var isParseError: Bool { self.status == 1 }
        /// Status 3: the body parses but has lint problems.
        public var hasLintProblems: Bool { self.status == 3 }
        /// The output's non-empty lines: with status 3, one `metric_name problem` per line.
        public var problems: [String] {
            self.output.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        }

        /// The status and output, for a failing expectation's message.
        public var description: String { "promtool check metrics exited \(self.status): \(self.output)" }
    }

    /// Runs `promtool check metrics` with `body` on stdin. Throws only when promtool cannot run;
    /// its verdict is in the result.
    public static func checkMetrics(_ body: [UInt8]) throws -> CheckResult {
        let output = try ExternalCommand.run("promtool", ["check", "metrics"], input: body)
        return CheckResult(status: output.status, output: output.stderrText + output.stdoutText)
    }

    /// Runs `promtool check metrics` with `body` on stdin, as `checkMetrics(_: [UInt8])`.
    public static func checkMetrics(_ body: String) throws -> CheckResult {
        try Self.checkMetrics(Array(body.utf8))
    }
}
