import ArgumentParser
import SwiftcornLogAnalysis

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `swiftcorn-logs`: answers questions about Swiftcorn access logs (and gunicorn/Apache combined logs).
@main
struct SwiftcornLogs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftcorn-logs",
        abstract: "Analyse Swiftcorn JSON access logs (and combined-format text logs).",
        discussion: """
            Inputs are files (plain or gzip, detected by content), rotated sets such as access.log* \
            (read oldest first by their first record's time), or - for stdin (the default when stdin \
            is not a terminal). Malformed lines are counted per kind and the first few reported on \
            stderr; the exit status is non-zero only when nothing was readable.
            """,
        subcommands: [Summary.self, Top.self, Latency.self, Timeline.self, Slow.self, Errors.self, HTMLReportCommand.self],
        defaultSubcommand: Summary.self
    )
}

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

extension ReportFormat: ExpressibleByArgument {}

extension TopSort: ExpressibleByArgument {}

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
