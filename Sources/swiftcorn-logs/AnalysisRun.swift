import ArgumentParser
import SwiftcornLogAnalysis

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The steps every command shares: build options, read the inputs, report problems, print.
struct AnalysisRun {
    /// The shared options.
    let common: CommonOptions
    /// Resolves `--by` and other key names.
    let catalog = FieldCatalog()

    /// Options with the filter, threads and line limit applied; exits 2 on a bad filter.
    func baseOptions() throws -> AnalysisOptions {
        var options = AnalysisOptions()
        if let text = self.common.filter {
            do {
                options.filter = try FilterExpression.parse(text)
            } catch {
                StandardStreams.error("swiftcorn-logs: invalid --where expression: \(error)\n")
                throw ExitCode(2)
            }
        }
        let now = Self.now
        if let since = self.common.since.flatMap({ JournalQuery.time($0, now: now) }) {
            options.filter = Self.and(options.filter, .number(.ts, .greaterOrEqual, Double(since)))
        }
        if let until = self.common.until.flatMap({ JournalQuery.time($0, now: now) }) {
            options.filter = Self.and(options.filter, .number(.ts, .lessOrEqual, Double(until)))
        }
        options.workers = self.common.threads ?? 0
        options.maxLineBytes = self.common.maxLineBytes
        return options
    }

    /// Runs the analysis with `options` (extra keys taken from the catalog).
    func analyse(_ options: AnalysisOptions) throws -> Aggregate {
        var options = options
        options.extraKeys = self.catalog.extraKeys
        var sources = self.common.inputs.map(InputSource.init(argument:))
        if self.common.journal || self.common.journalDir != nil {
            sources = [.journal(self.journalQuery())]
        } else if sources.isEmpty {
            guard !StandardStreams.isTerminal(0) else {
                StandardStreams.error("swiftcorn-logs: no input files given and stdin is a terminal (use - to read it anyway)\n")
                throw ExitCode(2)
            }
            sources = [.standardInput]
        }
        let aggregate = Analyzer(options: options).run(RotationOrder.sorted(sources))
        if !self.common.quiet {
            self.reportProblems(aggregate.diagnostics)
        }
        return aggregate
    }

    /// Reads the inputs and prints the report `build` makes; with `--follow`, prints one every interval.
    func execute(_ options: AnalysisOptions, build: (Aggregate) -> Report) throws {
        guard self.common.follow else {
            let aggregate = try self.analyse(options)
            try self.finish(build(aggregate), aggregate)
            return
        }
        var options = options
        options.extraKeys = self.catalog.extraKeys
        let seconds = DurationText.seconds(self.common.interval) ?? 5
        let duration = self.common.followFor.flatMap(DurationText.seconds).map { Int64($0 * 1_000_000) }
        let follower = JournalFollower(query: self.journalQuery(), options: options, interval: Int64(seconds * 1_000_000), duration: duration)
        let format = self.format
        let clear = format == .table && StandardStreams.isTerminal(1)
        do {
            try follower.run { aggregate in
                // A terminal gets a refreshed screen; pipes get one report per interval (NDJSON for json).
                StandardStreams.out((clear ? "\u{1B}[H\u{1B}[2J" : "") + format.render(build(aggregate)))
            }
        } catch {
            StandardStreams.error("swiftcorn-logs: \(error)\n")
            throw ExitCode(1)
        }
    }

    /// The output format: as given, else table on a terminal and JSON otherwise.
    var format: ReportFormat {
        self.common.format ?? (StandardStreams.isTerminal(1) ? .table : .json)
    }

    /// The journal query from `--journal-dir`, `--identifier`, `--unit`, `--since`, `--until`.
    func journalQuery() -> JournalQuery {
        var query = JournalQuery(directory: self.common.journalDir)
        query.identifiers = self.common.identifier
        query.units = self.common.unit
        query.includeHostname = self.catalog.extraKeys.contains("hostname")
        query.since = self.common.since.flatMap { JournalQuery.time($0, now: Self.now) }
        query.until = self.common.until.flatMap { JournalQuery.time($0, now: Self.now) }
        return query
    }

    /// Prints `report` and exits 1 when nothing at all could be read.
    func finish(_ report: Report, _ aggregate: Aggregate) throws {
        StandardStreams.out(self.format.render(report))
        let readable = aggregate.requests + aggregate.filteredOut + aggregate.otherRecords
        if readable == 0, aggregate.diagnostics.total > 0 {
            StandardStreams.error("swiftcorn-logs: error: no readable records in the input\n")
            throw ExitCode(1)
        }
    }

    /// `left and right`, or `right` alone.
    private static func and(_ left: FilterExpression?, _ right: FilterExpression) -> FilterExpression {
        left.map { .and($0, right) } ?? right
    }

    /// The current time in µs since the epoch.
    static var now: Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }

    /// The malformed-input warning and its first samples.
    private func reportProblems(_ diagnostics: InputDiagnostics) {
        guard diagnostics.total > 0 else { return }
        let kinds = InputProblem.allCases.filter { diagnostics.count($0) > 0 }.map { "\($0): \(diagnostics.count($0))" }
        var text = "swiftcorn-logs: warning: skipped \(diagnostics.total) malformed input line(s)/file(s) (\(kinds.joined(separator: ", ")))\n"
        for sample in diagnostics.samples {
            text += "  \(sample.description)\n"
        }
        if diagnostics.total > diagnostics.samples.count {
            text += "  … and \(diagnostics.total - diagnostics.samples.count) more\n"
        }
        StandardStreams.error(text)
    }
}

/// Writes to stdout/stderr without Foundation, in one go per call.
enum StandardStreams {
    /// Writes `text` to stdout.
    static func out(_ text: String) {
        Self.write(text, to: 1)
    }

    /// Writes `text` to stderr.
    static func error(_ text: String) {
        Self.write(text, to: 2)
    }

    /// Whether `descriptor` is a terminal.
    static func isTerminal(_ descriptor: Int32) -> Bool {
        isatty(descriptor) == 1
    }

    /// Writes all of `text`, retrying short writes.
    private static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                #if canImport(Glibc)
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                #else
                let written = Darwin.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                #endif
                if written < 0 {
                    if errno == EINTR {
                        continue
                    }
                    return
                }
                offset += written
            }
        }
    }
}
