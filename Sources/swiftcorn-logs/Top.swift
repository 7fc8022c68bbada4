import ArgumentParser
import SwiftcornLogAnalysis

/// `top --by KEY`: the leading values of one key.
struct Top: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The top values of a key by count, p99, errors or bytes.")

    /// Shared options.
    @OptionGroup var common: CommonOptions

    /// The key.
    @Option(help: "path, route (route or path), status, method, client, ua, worker, host, or any record key.")
    var by = "path"

    /// The order.
    @Option(help: "count, p99, errors or bytes.")
    var sort: TopSort = .count

    /// Rows.
    @Option(name: [.customShort("n"), .long], help: "Rows to show.")
    var limit = 10

    func run() throws {
        let run = AnalysisRun(common: self.common)
        var options = try run.baseOptions()
        let key = GroupKey.named(self.by, catalog: run.catalog)
        options.groupings.append(TopReport.grouping(key))
        try run.execute(options) { TopReport.build($0, key: key, sort: self.sort, limit: self.limit) }
    }
}
