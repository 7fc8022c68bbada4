import CSystemd

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension JournalSource {
    /// The default for ``JournalQuery/reopenInterval``: entries read before the handle is
    /// reopened at its cursor.
    ///
    /// sd-journal keeps up to 64 mapped 8 MiB windows per handle, and every mapped page counts
    /// toward the process's resident set; reopening drops them, bounding the RSS of reading a
    /// gigabyte of journal to roughly what this many entries span, at the cost of one
    /// close/open/seek per interval.
    static let defaultReopenInterval = 10_000

    /// Opens the files, directory or local journal of `query` with its matches; not yet positioned.
    static func open(_ query: JournalQuery) throws(InputError) -> OpaquePointer {
        var handle: OpaquePointer?
        let result: Int32
        if let files = query.files {
            var paths = files.map { strdup($0) } + [nil]
            defer {
                for path in paths {
                    free(path)
                }
            }
            result = paths.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) {
                    sd_journal_open_files(&handle, $0, 0)
                }
            }
        } else if let directory = query.directory {
            result = sd_journal_open_directory(&handle, directory, 0)
        } else {
            result = sd_journal_open(&handle, Int32(SD_JOURNAL_LOCAL_ONLY))
        }
        guard result >= 0, let handle else {
            let name = query.directory ?? "journal"
            throw InputError(.cannotOpen, source: name, detail: "sd_journal_open failed: \(String(cString: strerror(-result)))")
        }
        // MESSAGE values above the default 64 KiB threshold would be cut; records must stay whole.
        sd_journal_set_data_threshold(handle, 0)
        for match in query.matches {
            var match = match
            _ = match.withUTF8 { sd_journal_add_match(handle, $0.baseAddress, $0.count) }
        }
        return handle
    }

    /// Replaces the handle with a fresh one positioned on the same entry (see ``defaultReopenInterval``);
    /// keeps the old handle if anything fails.
    func reopen() {
        self.entriesSinceOpen = 0
        guard let journal = self.journal else { return }
        var cursor: UnsafeMutablePointer<CChar>?
        guard sd_journal_get_cursor(journal, &cursor) >= 0, let cursor else { return }
        defer { free(cursor) }
        guard let fresh = try? Self.open(self.query) else { return }
        // seek_cursor + next lands on the entry the old handle was on; the caller's next moves past it.
        guard sd_journal_seek_cursor(fresh, cursor) >= 0, sd_journal_next(fresh) > 0, sd_journal_test_cursor(fresh, cursor) > 0 else {
            sd_journal_close(fresh)
            return
        }
        sd_journal_close(journal)
        self.journal = fresh
    }
}
