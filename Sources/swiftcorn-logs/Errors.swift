import ArgumentParser
import SwiftcornLogAnalysis

/// `errors`: 5xx responses and error log records, grouped, with first and last seen.
struct Errors: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "5xx responses and error records grouped, with counts and first/last seen.")

    /// Shared options.
    @OptionGroup var common: CommonOptions

    /// Rows.
    @Option(name: [.customShort("n"), .long], help: "Rows per table.")
    var limit = 20

    func run() throws {
        let run = AnalysisRun(common: self.common)
        var options = try run.baseOptions()
        ErrorsReport.configure(&options)
        try run.execute(options) { ErrorsReport.build($0, limit: self.limit) }
    }
}
