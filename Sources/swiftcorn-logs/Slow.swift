import ArgumentParser
import SwiftcornLogAnalysis

/// `slow --over 500ms`: slow requests by path and the slowest ones.
struct Slow: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Requests slower than a threshold: where, how many, the slowest.")

    /// Shared options.
    @OptionGroup var common: CommonOptions

    /// Threshold.
    @Option(help: "Threshold: 500ms, 1s, 250 (ms)…")
    var over = "500ms"

    /// Rows.
    @Option(name: [.customShort("n"), .long], help: "Rows per table.")
    var limit = 20

    func run() throws {
        guard let milliseconds = DurationText.milliseconds(self.over) else {
            throw ValidationError("--over needs a duration such as 500ms or 1.5s, not '\(self.over)'")
        }
        let threshold = Int64((milliseconds * 1000).rounded())
        let run = AnalysisRun(common: self.common)
        var options = try run.baseOptions()
        SlowReport.configure(&options, threshold: threshold, limit: self.limit)
        try run.execute(options) { SlowReport.build($0, threshold: threshold, limit: self.limit) }
    }
}
