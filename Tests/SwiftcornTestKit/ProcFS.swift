import Foundation

/// Reads process facts from /proc.
public enum ProcFS {
    /// Pids whose parent is `parent`.
    public static func children(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8) else {
                return nil
            }
            // Fields after the parenthesised command name: state, ppid, …
            guard let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, pid_t(fields[1]) == parent, fields[0] != "Z" else { return nil }
            return pid
        }.sorted()
    }

    /// Pids of the workers of master `parent`: its children but the fork server.
    public static func workers(of parent: pid_t) -> [pid_t] {
        Self.children(of: parent).filter { !Self.commandLine(of: $0).hasSuffix(": fork server") }
    }

    /// The fork server of master `parent`, if it runs one.
    public static func forkServer(of parent: pid_t) -> pid_t? {
        Self.children(of: parent).first { Self.commandLine(of: $0).hasSuffix(": fork server") }
    }

    /// The command line of `pid`, its arguments joined by spaces.
    public static func commandLine(of pid: pid_t) -> String {
        let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
        let text = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
        return String(text.reversed().drop { $0 == " " }.reversed())
    }

    /// The environment `pid` was executed with (later `setenv` calls do not show).
    public static func environment(of pid: pid_t) -> [String: String] {
        let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") ?? Data()
        var result: [String: String] = [:]
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { continue }
            result[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        return result
    }

    /// Inodes of the Unix sockets bound to `path` (`@name` for an abstract one), from /proc/net/unix.
    public static func unixSocketInodes(path: String) -> [String] {
        let table = (try? String(contentsOfFile: "/proc/net/unix", encoding: .utf8)) ?? ""
        return table.split(separator: "\n").dropFirst().compactMap { line in
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            return columns.count >= 8 && columns[7] == path ? String(columns[6]) : nil
        }
    }

    /// The open file descriptors of `pid` with what each points to.
    public static func openDescriptors(of pid: pid_t) -> [Int: String] {
        let directory = "/proc/\(pid)/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var result: [Int: String] = [:]
        for entry in entries {
            guard let fd = Int(entry) else { continue }
            result[fd] = (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(entry)")) ?? "?"
        }
        return result
    }

    /// Whether `pid` is alive and not a zombie.
    public static func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }
}
