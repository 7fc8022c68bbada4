import CSystemd

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads access and error records from the systemd journal through sd-journal, as newline-separated
/// MESSAGE lines (each MESSAGE is the record's JSON), so they go through the same parser and
/// pipeline as files and give identical answers.
///
/// The JSON MESSAGE is parsed rather than the indexed fields (`HTTP_STATUS`, `DURATION_US`…):
/// it carries everything (`ts` to the microsecond, query, referer…), so journal answers equal file
/// answers exactly, and on systemd 252 fetching seven indexed fields with `sd_journal_get_data`
/// measured slower (3.6 µs per entry) than enumerating the entry once for MESSAGE (2.2 µs).
/// When the query asks for it, each record gains a `hostname` key from the entry's `_HOSTNAME`,
/// so `--by hostname` separates the machines of a `--journal-dir` collected by
/// systemd-journal-remote.
///
/// The sd_journal handle is created, used and closed on the one thread that reads the source.
final class JournalSource: ByteSource {
    /// The journal handle.
    var journal: OpaquePointer?
    /// Stop after entries later than this, µs.
    private let until: Int64?
    /// Bytes of the current entry that did not fit the caller's buffer.
    private var pending: [UInt8] = []
    /// How much of ``pending`` was returned.
    private var pendingOffset = 0
    /// Whether iteration reached the end (or `until`).
    private var finished = false
    /// Whether reaching the end only means "nothing new yet" (`--follow`).
    private let follow: Bool
    /// Whether each record gains a `hostname` key from `_HOSTNAME`.
    private let includeHostname: Bool
    /// The current entry's `_HOSTNAME`, copied.
    private var host: [UInt8] = []

    /// What to read, kept for reopening.
    let query: JournalQuery
    /// Entries stepped over since the handle was (re)opened.
    var entriesSinceOpen = 0

    /// Opens the journal and positions it at `query.since`; with `follow`, the end is not final.
    init(_ query: JournalQuery, follow: Bool = false) throws(InputError) {
        self.query = query
        self.follow = follow
        self.includeHostname = query.includeHostname
        self.until = query.until
        let handle = try Self.open(query)
        self.journal = handle
        if let since = query.since {
            sd_journal_seek_realtime_usec(handle, UInt64(max(0, since)))
        } else {
            sd_journal_seek_head(handle)
        }
    }

    deinit {
        sd_journal_close(self.journal)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        var written = 0
        while written < buffer.count {
            if self.pendingOffset < self.pending.count {
                let count = min(buffer.count - written, self.pending.count - self.pendingOffset)
                self.pending.withUnsafeBytes { bytes in
                    (buffer.baseAddress! + written).copyMemory(from: bytes.baseAddress! + self.pendingOffset, byteCount: count)
                }
                self.pendingOffset += count
                written += count
                continue
            }
            guard !self.finished, self.advance(), let journal = self.journal else { break }
            // The host is copied first: any later sd-journal data call invalidates returned pointers.
            self.host.removeAll(keepingCapacity: true)
            if self.includeHostname, let host = Self.field(journal, "_HOSTNAME") {
                self.host.append(contentsOf: host)
            }
            guard let message = Self.message(journal) else { continue }
            let hostLength = self.includeHostname && !self.host.isEmpty ? self.host.count + 14 : 0
            let length = message.count + hostLength + 1
            self.host.withUnsafeBytes { hostBytes in
                let host = hostLength > 0 ? hostBytes : nil
                if length <= buffer.count - written {
                    // The common case: the line goes straight into the caller's buffer, no staging copy.
                    Self.writeLine(message, host: host, to: buffer.baseAddress! + written)
                    written += length
                } else {
                    self.pending = [UInt8](repeating: 0, count: length)
                    self.pendingOffset = 0
                    self.pending.withUnsafeMutableBytes { Self.writeLine(message, host: host, to: $0.baseAddress!) }
                }
            }
        }
        return written
    }

    /// Writes `{"hostname":"HOST",` + the rest of `message` + newline at `target`.
    private static func writeLine(_ message: UnsafeRawBufferPointer, host: UnsafeRawBufferPointer?, to target: UnsafeMutableRawPointer) {
        var offset = 0
        if let host {
            let prefix: StaticString = "{\"hostname\":\""
            target.copyMemory(from: prefix.utf8Start, byteCount: prefix.utf8CodeUnitCount)
            offset = prefix.utf8CodeUnitCount
            for byte in host {
                // Hostnames are plain DNS labels; anything that would break the JSON string is dropped to `_`.
                target.storeBytes(of: byte == 0x22 || byte == 0x5C || byte < 0x20 ? 0x5F : byte, toByteOffset: offset, as: UInt8.self)
                offset += 1
            }
            target.storeBytes(of: 0x22, toByteOffset: offset, as: UInt8.self)
            target.storeBytes(of: 0x2C, toByteOffset: offset + 1, as: UInt8.self)
            offset += 2
            (target + offset).copyMemory(from: message.baseAddress! + 1, byteCount: message.count - 1)
            offset += message.count - 1
        } else {
            target.copyMemory(from: message.baseAddress!, byteCount: message.count)
            offset = message.count
        }
        // Raw newlines cannot occur in a JSON line, but a foreign MESSAGE could hold one.
        let bytes = target.assumingMemoryBound(to: UInt8.self)
        if memchr(bytes, 0x0A, offset) != nil {
            for index in 0..<offset where bytes[index] == 0x0A {
                bytes[index] = 0x20
            }
        }
        target.storeBytes(of: 0x0A, toByteOffset: offset, as: UInt8.self)
    }

    /// Blocks until the journal changes or `microseconds` pass (`sd_journal_wait`); for `--follow`.
    func wait(microseconds: Int64) {
        guard let journal = self.journal else { return }
        _ = sd_journal_wait(journal, UInt64(max(0, microseconds)))
    }

    /// Advances to the next entry; false at the end or past `until`.
    private func advance() -> Bool {
        if self.entriesSinceOpen >= self.query.reopenInterval {
            self.reopen()
        }
        guard let journal = self.journal, sd_journal_next(journal) > 0 else {
            self.finished = !self.follow
            return false
        }
        self.entriesSinceOpen += 1
        if let until = self.until {
            var time: UInt64 = 0
            if sd_journal_get_realtime_usec(journal, &time) >= 0, Int64(time) > until {
                self.finished = true
                return false
            }
        }
        return true
    }

    /// The current entry's MESSAGE when it is a JSON object (not, e.g., captured stderr); valid
    /// until the next sd-journal data call.
    ///
    /// Enumerating the entry's fields measured ~30 % faster than `sd_journal_get_data("MESSAGE")`,
    /// which compares the field name of every item it passes.
    private static func message(_ journal: OpaquePointer) -> UnsafeRawBufferPointer? {
        sd_journal_restart_data(journal)
        var data: UnsafeRawPointer?
        var length = 0
        while sd_journal_enumerate_data(journal, &data, &length) > 0 {
            guard let data, length > 8, memcmp(data, "MESSAGE=", 8) == 0 else { continue }
            let message = UnsafeRawBufferPointer(start: data + 8, count: length - 8)
            return message.first == UInt8(ascii: "{") ? message : nil
        }
        return nil
    }

    /// The value of `field` in the current entry, without the `FIELD=` prefix; valid until the next call.
    private static func field(_ journal: OpaquePointer, _ field: StaticString) -> UnsafeRawBufferPointer? {
        var data: UnsafeRawPointer?
        var length = 0
        let name = UnsafeRawPointer(field.utf8Start).assumingMemoryBound(to: CChar.self)
        guard sd_journal_get_data(journal, name, &data, &length) >= 0, let data else { return nil }
        let prefix = field.utf8CodeUnitCount + 1
        guard length >= prefix else { return nil }
        return UnsafeRawBufferPointer(start: data + prefix, count: length - prefix)
    }
}

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

/// Splits a `--journal-dir` query into queries over disjoint sets of its journal files, so several
/// threads can read them at once, each with its own sd_journal handle (handles never cross threads).
///
/// sd-journal itself is the bottleneck of the journal source (≈1 µs per entry just to step and find
/// MESSAGE, against ≈0.4 µs to parse the line), so one reader per core is what uses both cores.
/// Analysis does not depend on the order of records, only on the set, so shards need no merging
/// by time.
enum JournalShards {
    /// Up to `count` queries covering the files of `query.directory` (and its machine-id
    /// subdirectories), balanced by size; `[query]` when there is nothing to split.
    static func split(_ query: JournalQuery, count: Int) -> [JournalQuery] {
        guard count > 1, query.files == nil, let directory = query.directory else { return [query] }
        var files = Self.journalFiles(in: directory)
        for entry in Self.entries(of: directory) where entry.name.count == 32 && entry.name.allSatisfy(\.isHexDigit) && entry.isDirectory {
            files += Self.journalFiles(in: directory + "/" + entry.name)
        }
        guard files.count > 1 else { return [query] }
        var shards = [(size: Int, files: [String])](repeating: (0, []), count: min(count, files.count))
        for file in files.sorted(by: { $0.size > $1.size }) {
            let smallest = shards.indices.min { shards[$0].size < shards[$1].size }!
            shards[smallest].size += file.size
            shards[smallest].files.append(file.path)
        }
        return shards.map { shard in
            var part = query
            part.files = shard.files
            return part
        }
    }

    /// `*.journal` and `*.journal~` files directly in `directory`, with their sizes.
    private static func journalFiles(in directory: String) -> [(path: String, size: Int)] {
        Self.entries(of: directory).compactMap { entry in
            guard !entry.isDirectory, entry.name.hasSuffix(".journal") || entry.name.hasSuffix(".journal~") else { return nil }
            let path = directory + "/" + entry.name
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            return (path, Int(info.st_size))
        }
    }

    /// The names in `directory`, and whether each is a directory.
    private static func entries(of directory: String) -> [(name: String, isDirectory: Bool)] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var result: [(String, Bool)] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name != ".", name != ".." else { continue }
            var info = stat()
            let isDirectory = stat(directory + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            result.append((name, isDirectory))
        }
        return result
    }
}
