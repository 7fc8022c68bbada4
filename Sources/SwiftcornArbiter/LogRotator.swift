import SwiftcornConfig
import SwiftcornLogging
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// Rotates the log files every process appends to: only the master renames, then tells the
/// workers to reopen.
///
/// A worker keeps appending to the renamed file through its open descriptor until it reopens,
/// and `O_APPEND` writes land whole, so no line is lost, split or written twice. A rotated file
/// is compressed only once no worker holds it open any more (read from `/proc/PID/fd`), so
/// compression never races a late write.
struct LogRotator {
    /// The files rotated.
    let paths: [String]
    private let maxSize: Int
    private let interval: RotationInterval
    let keep: Int
    let compress: Bool
    private let dated: Bool
    private let clock: RotationClock
    private var nextBoundary: Int64?
    /// Rotated files waiting for their last writer to reopen before compression: path and inode.
    var pendingCompression: [(path: String, device: UInt64, inode: UInt64)] = []

    /// Whether anything is to be rotated at all.
    var isActive: Bool {
        !self.paths.isEmpty && (self.maxSize > 0 || self.interval != .none)
    }

    init(logging: LoggingConfiguration) {
        let destinations = logging.accessLog + logging.errorLog
        var seen: Set<String> = []
        self.paths = destinations.filter { $0 != "-" && $0 != "journald" && seen.insert($0).inserted }
        self.maxSize = logging.maxSize
        self.interval = logging.interval
        self.keep = max(1, logging.keep)
        self.compress = logging.compress
        self.dated = logging.naming == .dated
        self.clock = RotationClock(local: logging.clock == .local)
        self.nextBoundary = self.clock.boundary(after: WallClock.microseconds() / 1_000_000, interval: logging.interval)
    }

    /// Rotates what is due at `now` (seconds since the epoch); returns the paths rotated, after
    /// which workers must reopen.
    mutating func rotateDue(now: Int64 = WallClock.microseconds() / 1_000_000) -> [String] {
        var due: [String] = []
        var bySize = false
        var rotatedAt = now
        if let boundary = self.nextBoundary, now >= boundary {
            due = self.paths
            rotatedAt = boundary
            self.nextBoundary = self.clock.boundary(after: now, interval: self.interval)
        } else if self.maxSize > 0 {
            due = self.paths.filter { Self.size(of: $0) >= self.maxSize }
            bySize = true
        }
        var rotated: [String] = []
        for path in due where Self.size(of: path) > 0 {
            let done =
                self.dated
                ? self.rotateDated(path, stamp: self.clock.stamp(rotatedAt: rotatedAt, interval: self.interval, bySize: bySize)) : self.rotate(path)
            if done {
                rotated.append(path)
            }
        }
        return rotated
    }

    /// Compresses rotated files no live process writes any more; `writers` are the workers' pids.
    mutating func compressReleased(writers: [pid_t], spawn: (String) -> Void) {
        guard self.compress, !self.pendingCompression.isEmpty else { return }
        let open = Set(writers.flatMap { Self.openFiles(of: $0) }.map { "\($0.device):\($0.inode)" })
        self.pendingCompression.removeAll { file in
            guard !open.contains("\(file.device):\(file.inode)") else { return false }
            spawn(file.path)
            return true
        }
    }

    private mutating func rotate(_ path: String) -> Bool {
        let suffix = self.compress ? ".gz" : ""
        unlink("\(path).\(self.keep)\(suffix)")
        unlink("\(path).\(self.keep)")
        if self.keep > 1 {
            for index in stride(from: self.keep - 1, through: 1, by: -1) {
                rename("\(path).\(index)\(suffix)", "\(path).\(index + 1)\(suffix)")
                if self.compress {
                    // A file rotated moments ago may not be compressed yet.
                    rename("\(path).\(index)", "\(path).\(index + 1)")
                }
            }
        }
        let rotated = "\(path).1"
        guard rename(path, rotated) == 0 else { return false }
        if self.compress {
            var info = stat()
            if stat(rotated, &info) == 0 {
                for index in self.pendingCompression.indices where self.pendingCompression[index].path.hasPrefix(path + ".") {
                    // Follow the renames above.
                    let old = self.pendingCompression[index].path
                    if let number = Int(old.dropFirst(path.count + 1)) {
                        self.pendingCompression[index].path = "\(path).\(number + 1)"
                    }
                }
                self.pendingCompression.append((rotated, UInt64(info.st_dev), UInt64(info.st_ino)))
            }
        }
        return true
    }

    private static func size(of path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Device and inode of each regular file `pid` has open.
    private static func openFiles(of pid: pid_t) -> [(device: UInt64, inode: UInt64)] {
        guard let directory = opendir("/proc/\(pid)/fd") else { return [] }
        defer { closedir(directory) }
        var files: [(UInt64, UInt64)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard Int(name) != nil else { continue }
            var info = stat()
            if stat("/proc/\(pid)/fd/\(name)", &info) == 0, info.st_mode & S_IFMT == S_IFREG {
                files.append((UInt64(info.st_dev), UInt64(info.st_ino)))
            }
        }
        return files
    }
}

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
