#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
