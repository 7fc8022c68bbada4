import ArgumentParser
import SwiftcornLogAnalysis

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `report --html out.html`: a self-contained HTML report.
struct HTMLReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report (inline SVG charts, no network fetches)."
    )

    /// Shared options.
    @OptionGroup var common: CommonOptions

    /// Output path.
    @Option(help: "Where to write the HTML file.")
    var html: String

    /// Timeline bucket width.
    @Option(help: "Chart bucket width: 1m, 5m, 1h… (use wider buckets for logs spanning weeks).")
    var bucket = "1m"

    func validate() throws {
        if self.common.follow {
            throw ValidationError("report writes one file; --follow is not supported")
        }
    }

    func run() throws {
        guard let seconds = DurationText.seconds(self.bucket), seconds >= 0.001 else {
            throw ValidationError("--bucket needs a duration such as 30s, 1m or 1h, not '\(self.bucket)'")
        }
        let width = Int64((seconds * 1_000_000).rounded())
        let run = AnalysisRun(common: self.common)
        var options = try run.baseOptions()
        HTMLReport.configure(&options, bucket: width)
        let aggregate = try run.analyse(options)
        var document = HTMLReport.render(aggregate, bucket: width)
        let file = fopen(self.html, "w")
        guard let file else {
            StandardStreams.error("swiftcorn-logs: cannot write \(self.html): \(String(cString: strerror(errno)))\n")
            throw ExitCode(1)
        }
        let written = document.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == document.utf8.count, closed == 0 else {
            StandardStreams.error("swiftcorn-logs: cannot write \(self.html)\n")
            throw ExitCode(1)
        }
        StandardStreams.error("wrote \(self.html) (\(aggregate.requests) requests)\n")
        let readable = aggregate.requests + aggregate.filteredOut + aggregate.otherRecords
        if readable == 0, aggregate.diagnostics.total > 0 {
            throw ExitCode(1)
        }
    }
}
