import CSwiftcornSystem
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// Starts the new master of a binary upgrade (USR2): the binary at the same path, which may have
/// been replaced, with the same arguments, and the listening sockets at fds 3….
///
/// The new master binds nothing, so no connection is refused while both run; the old master
/// keeps serving until it is told to stop, or until the new one tells it (`upgrade_auto_stop`).
enum MasterSuccessor {
    /// Spawns the new master; returns its pid.
    static func spawn(executablePath: String, arguments: [String], sockets: [ListeningSocket]) throws(SystemCallError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (offset, socket) in sockets.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, socket.fileDescriptor, Int32(3 + offset))
        }
        cswiftcorn_spawn_file_actions_addclosefrom(&actions, Int32(3 + sockets.count))
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The new master blocks the signals it reads itself; it starts from a clean slate.
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let result = CStringArray.with(arguments) { argv in
            CStringArray.with(Self.environment(sockets: sockets.count)) { envp in
                posix_spawn(&pid, executablePath, &actions, &attributes, argv, envp)
            }
        }
        guard result == 0 else { throw SystemCallError("posix_spawn", subject: executablePath, errno: result) }
        return pid
    }

    /// This master's environment, without what belongs to it alone (systemd's notification
    /// socket and watchdog, socket activation), plus the hand-over.
    private static func environment(sockets: Int) -> [String] {
        let own = [
            "LISTEN_FDS=", "LISTEN_PID=", "LISTEN_FDNAMES=", "NOTIFY_SOCKET=", "WATCHDOG_USEC=", "WATCHDOG_PID=",
            "\(UpgradeEnvironment.listenFDs)=", "\(UpgradeEnvironment.oldMasterPID)=",
        ]
        var environment = ProcessEnvironment.current.map { "\($0.key)=\($0.value)" }.filter { variable in
            !own.contains { variable.hasPrefix($0) }
        }
        environment.append("\(UpgradeEnvironment.listenFDs)=\(sockets)")
        environment.append("\(UpgradeEnvironment.oldMasterPID)=\(getpid())")
        return environment
    }
}
