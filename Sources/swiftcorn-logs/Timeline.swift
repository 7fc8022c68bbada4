import ArgumentParser
import SwiftcornLogAnalysis

/// `timeline --bucket 1m`: requests, errors and latency over time.
struct Timeline: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Per time bucket: count, req/s, errors and p99, with sparklines.")

    /// Shared options.
    @OptionGroup var common: CommonOptions

    /// Bucket width.
    @Option(help: "Bucket width: 10s, 1m, 5m, 1h…")
    var bucket = "1m"

    func run() throws {
        guard let seconds = DurationText.seconds(self.bucket), seconds >= 0.001 else {
            throw ValidationError("--bucket needs a duration such as 30s, 1m or 1h, not '\(self.bucket)'")
        }
        let width = Int64((seconds * 1_000_000).rounded())
        let run = AnalysisRun(common: self.common)
        var options = try run.baseOptions()
        options.timelineBucket = width
        try run.execute(options) { TimelineReport.build($0, width: width) }
    }
}
