import ArgumentParser
import SwiftcornLogAnalysis

/// `summary`: requests, span, rates, statuses, latency, top paths, clients and agents.
struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Requests, rates, statuses, latency and top lists at a glance.")

    /// Shared options.
    @OptionGroup var common: CommonOptions

    /// Length of each top list.
    @Option(name: [.customShort("n"), .long], help: "Entries per top list.")
    var limit = 10

    func run() throws {
        let run = AnalysisRun(common: self.common)
        var options = try run.baseOptions()
        SummaryReport.configure(&options)
        try run.execute(options) { SummaryReport.build($0, limit: self.limit) }
    }
}
