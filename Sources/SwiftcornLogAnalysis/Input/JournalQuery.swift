/// Which journal entries to read: local or a directory of collected journals, matches and a time range.
package struct JournalQuery: Sendable, Hashable {
    /// A directory of journal files (e.g. from systemd-journal-remote), or nil for the local journal.
    package var directory: String?
    /// `SYSLOG_IDENTIFIER` values (any of them); `swiftcorn` when both this and ``units`` are empty.
    package var identifiers: [String] = []
    /// `_SYSTEMD_UNIT` values (any of them).
    package var units: [String] = []
    /// Earliest entry time, µs since the epoch.
    package var since: Int64?
    /// Latest entry time, µs since the epoch.
    package var until: Int64?
    /// Specific journal files to open instead of ``directory`` (set by sharding), or nil.
    package var files: [String]?
    /// Entries read before the sd-journal handle is reopened, to drop its mapped windows.
    var reopenInterval = JournalSource.defaultReopenInterval
    /// Whether records gain a `hostname` key from the entry's `_HOSTNAME` (costs one field lookup).
    package var includeHostname = false

    /// Creates a query for the local journal and the default identifier.
    package init(directory: String? = nil) {
        self.directory = directory
    }

    /// The `FIELD=value` matches to add: identifiers and units, each field's values ORed,
    /// the two fields ANDed (sd-journal's rule for matches on different fields).
    var matches: [String] {
        let identifiers = self.identifiers.isEmpty && self.units.isEmpty ? ["swiftcorn"] : self.identifiers
        return identifiers.map { "SYSLOG_IDENTIFIER=\($0)" } + self.units.map { "_SYSTEMD_UNIT=\($0)" }
    }

    /// Parses `--since`/`--until` values: RFC 3339, or relative to `now` like `-1h`, `-30m`.
    package static func time(_ text: String, now: Int64) -> Int64? {
        if text.hasPrefix("-"), let milliseconds = DurationText.milliseconds(String(text.dropFirst())) {
            return now - Int64(milliseconds * 1000)
        }
        if text == "now" {
            return now
        }
        return Timestamp.parse(text) ?? Timestamp.parse(text + "T00:00:00Z")
    }
}
