import ArgumentParser
import SwiftcornLogAnalysis

/// Inputs, filter and output options every command shares.
struct CommonOptions: ParsableArguments {
    /// Files or `-`.
    @Argument(help: "Log files (plain or .gz) or - for stdin; stdin when omitted.")
    var inputs: [String] = []

    /// The `--where` expression.
    @Option(
        name: .customLong("where"),
        help: ArgumentHelp(
            "Only requests matching the expression, e.g. 'status>=500 and path~\"^/api\" and duration_ms>250'.",
            discussion: """
                Fields of the record schema (aliases: client, ua, duration); = != < <= > >= ~ (regex) !~; and/or/not; \
                parentheses; status=5xx; durations like 250ms or 1.5s. Applies to access records; error records are kept.
                """
        )
    )
    var filter: String?

    /// The output format.
    @Option(help: "table, json or csv (default: table on a terminal, json otherwise).")
    var format: ReportFormat?

    /// Parsing threads.
    @Option(help: "Parsing threads (default: number of CPUs).")
    var threads: Int?

    /// The line-length limit.
    @Option(help: "Skip (and count) lines longer than this many bytes.")
    var maxLineBytes: Int = 1 << 20

    /// Read the local journal.
    @Flag(help: "Read the local systemd journal (through sd-journal) instead of files.")
    var journal = false

    /// Read collected journals.
    @Option(help: "Read the journal files in this directory (e.g. from systemd-journal-remote).")
    var journalDir: String?

    /// Journal identifier matches.
    @Option(help: "Journal SYSLOG_IDENTIFIER to read (repeatable; default swiftcorn).")
    var identifier: [String] = []

    /// Journal unit matches.
    @Option(help: "Journal _SYSTEMD_UNIT to read (repeatable).")
    var unit: [String] = []

    /// Start of the time range; `-1h` is a value here, not an option (journalctl's habit).
    @Option(parsing: .unconditional, help: "Only records at or after this time: RFC 3339 or relative like -1h.")
    var since: String?

    /// End of the time range.
    @Option(parsing: .unconditional, help: "Only records at or before this time: RFC 3339 or relative like -10m.")
    var until: String?

    /// Keep reading the journal.
    @Flag(help: "With --journal/--journal-dir: keep reading new entries and print the report every --interval.")
    var follow = false

    /// Snapshot interval for `--follow`.
    @Option(help: "With --follow: seconds between reports (e.g. 5s, 1m).")
    var interval = "5s"

    /// Optional end of `--follow`.
    @Option(help: "With --follow: stop after this long (default: until interrupted).")
    var followFor: String?

    /// Suppress the malformed-input report.
    @Flag(name: .shortAndLong, help: "Do not report malformed input on stderr.")
    var quiet = false

    mutating func validate() throws {
        guard self.maxLineBytes >= 1024 else { throw ValidationError("--max-line-bytes must be at least 1024") }
        if self.journal || self.journalDir != nil, !self.inputs.isEmpty {
            throw ValidationError("give either files or --journal/--journal-dir, not both")
        }
        for (name, value) in [("--since", self.since), ("--until", self.until)] {
            if let value, JournalQuery.time(value, now: 0) == nil {
                throw ValidationError("\(name) needs an RFC 3339 time or a relative time like -1h, not '\(value)'")
            }
        }
        if self.follow, !self.journal, self.journalDir == nil {
            throw ValidationError("--follow needs --journal or --journal-dir")
        }
        if DurationText.seconds(self.interval) == nil || (self.followFor.map { DurationText.seconds($0) == nil } ?? false) {
            throw ValidationError("--interval and --follow-for need durations such as 5s or 1m")
        }
        if let threads = self.threads, threads < 1 {
            throw ValidationError("--threads must be at least 1")
        }
    }
}
