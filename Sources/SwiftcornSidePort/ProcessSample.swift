#if canImport(Glibc)
import Glibc
#endif

/// Resource use of a process read from `/proc/<pid>/stat`: small reads of a pseudo-file that
/// never block on a disk, done by the master's loop once a second (``MasterStats/sample(workers:now:)``).
struct ProcessSample: Sendable {
    /// User plus system CPU time.
    var cpuSeconds: Double
    /// Resident set size.
    var residentBytes: Double
    /// Virtual memory size.
    var virtualBytes: Double

    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    private static let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))

    /// The sample of `pid` (`"self"` for this process); `nil` when it is gone.
    static func read(_ pid: String) -> ProcessSample? {
        guard let text = Self.file("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        // Fields after the command name, which may itself hold spaces and parentheses.
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3 of proc(5)): utime is field 14, stime 15, vsize 23, rss 24.
        guard fields.count > 21, let utime = Double(fields[11]), let stime = Double(fields[12]),
            let vsize = Double(fields[20]), let rss = Double(fields[21])
        else { return nil }
        return ProcessSample(
            cpuSeconds: (utime + stime) / Self.ticksPerSecond,
            residentBytes: rss * Self.pageSize,
            virtualBytes: vsize
        )
    }

    /// Open descriptors of this process.
    static func openDescriptors() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            if entry.pointee.d_name.0 != UInt8(ascii: ".") { count += 1 }
        }
        // The directory being read is one of them.
        return max(count - 1, 0)
    }

    /// The descriptor limit of this process.
    static func maxDescriptors() -> Double {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        return limit.rlim_cur == rlim_t.max ? Double.infinity : Double(limit.rlim_cur)
    }

    private static func file(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}
