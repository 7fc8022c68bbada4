import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// Dated names (`--log-naming dated`): `access.log.2026-11-27` instead of `access.log.1`.
extension LogRotator {
    /// `path` becomes `path.STAMP` (`.STAMP.1`… if taken); dated files beyond `keep` are removed,
    /// oldest first (the stamps sort chronologically).
    mutating func rotateDated(_ path: String, stamp: String) -> Bool {
        var rotated = "\(path).\(stamp)"
        var attempt = 0
        while Self.exists(rotated) || Self.exists(rotated + ".gz") {
            attempt += 1
            rotated = "\(path).\(stamp).\(attempt)"
        }
        guard rename(path, rotated) == 0 else { return false }
        if self.compress {
            var info = stat()
            if stat(rotated, &info) == 0 {
                self.pendingCompression.append((rotated, UInt64(info.st_dev), UInt64(info.st_ino)))
            }
        }
        let old = Self.datedFiles(of: path)
        for name in old.dropLast(self.keep) {
            unlink(name)
        }
        return true
    }

    /// The dated rotations of `path` (compressed or not), oldest first.
    static func datedFiles(of path: String) -> [String] {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let prefix = (slash.map { String(path[path.index(after: $0)...]) } ?? path) + "."
        guard let handle = opendir(directory.isEmpty ? "/" : directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            // Dated rotations start with a four-digit year after the file's name.
            guard name.hasPrefix(prefix), name.dropFirst(prefix.count).prefix(4).allSatisfy(\.isNumber),
                name.count >= prefix.count + 10
            else { continue }
            names.append(name)
        }
        let base = slash.map { _ in directory + "/" } ?? ""
        return names.sorted { Self.chronological($0, $1) }.map { base + $0 }
    }

    /// Orders `a.2026-11-28`, `a.2026-11-28.1`, `a.2026-11-28.2`, `a.2026-11-29` (gzip ignored).
    private static func chronological(_ a: String, _ b: String) -> Bool {
        func key(_ name: String) -> (String, Int) {
            let plain = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
            let parts = plain.split(separator: ".")
            if let last = parts.last, let number = Int(last), parts.count > 2 {
                return (parts.dropLast().joined(separator: "."), number)
            }
            return (plain, 0)
        }
        return key(a) < key(b)
    }

    private static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }
}
