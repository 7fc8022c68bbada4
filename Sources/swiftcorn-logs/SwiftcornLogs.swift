import ArgumentParser

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
