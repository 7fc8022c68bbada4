import ArgumentParser
import SwiftcornLogAnalysis

/// `latency [--by KEY]`: percentiles and a histogram.
struct Latency: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Latency percentiles and a terminal histogram, optionally per key.")

    /// Shared options.
    @OptionGroup var common: CommonOptions

    /// Optional grouping.
    @Option(help: "Also break latency down by this key (e.g. route, method, worker).")
    var by: String?

    /// Rows per group table.
    @Option(name: [.customShort("n"), .long], help: "Groups to show with --by.")
    var limit = 20

    func run() throws {
        let run = AnalysisRun(common: self.common)
        var options = try run.baseOptions()
        let key = self.by.map { GroupKey.named($0, catalog: run.catalog) }
        if let key {
            options.groupings.append(TopReport.grouping(key))
        }
        try run.execute(options) { LatencyReport.build($0, key: key, limit: self.limit) }
    }
}
