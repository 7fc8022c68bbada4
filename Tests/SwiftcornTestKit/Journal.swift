import Foundation

/// Reads the local journal back with `journalctl`, and finds the journald the tests log to.
public enum Journal {
    /// Entries with `SYSLOG_IDENTIFIER=identifier` and the extra `matches` (`FIELD=value`), as JSON objects.
    public static func entries(identifier: String, matches: [String] = []) throws -> [[String: Any]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/journalctl")
        // --all: journalctl shows a field over 4 KiB as null otherwise.
        process.arguments = ["--no-pager", "--all", "-o", "json", "-t", identifier] + matches
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
    }

    /// The pid of the running systemd-journald, if any.
    public static var daemonPID: pid_t? {
        ProcFS.processes(named: "systemd-journal").first
    }

    /// Whether systemd (PID 1) runs journald here; then tests must not stop it.
    public static var isManagedBySystemd: Bool {
        ((try? String(contentsOfFile: "/proc/1/comm", encoding: .utf8)) ?? "").hasPrefix("systemd")
    }

    /// Starts systemd-journald directly, as `make test` does where no systemd runs it, and
    /// waits for its socket. It takes no arguments: any would be read as a namespace.
    public static func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/lib/systemd/systemd-journald")
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try Poll.until("journald's socket", timeout: .seconds(10)) {
            FileManager.default.fileExists(atPath: "/run/systemd/journal/socket") && Self.daemonPID != nil
        }
    }

    /// A fresh identifier, so a test reads back only its own entries.
    public static func uniqueIdentifier(_ prefix: String) -> String {
        "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
    }
}

extension ProcFS {
    /// Pids of processes whose command name (`/proc/PID/comm`) is `name`.
    public static func processes(named name: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry),
                let comm = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8)
            else { return nil }
            return comm.trimmingCharacters(in: .whitespacesAndNewlines) == name ? pid : nil
        }
    }
}
