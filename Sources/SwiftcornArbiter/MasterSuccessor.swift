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
        try ChildSpawn.start(executablePath, arguments: arguments, environment: Self.environment(sockets: sockets.count)) { actions in
            let descriptors = WorkerLaunch.Descriptors(socketCount: sockets.count)
            for (offset, socket) in sockets.enumerated() {
                posix_spawn_file_actions_adddup2(&actions, socket.fileDescriptor, descriptors.socket(offset))
            }
            // Nothing after the sockets: a new master makes its own control pipe and region.
            cswiftcorn_spawn_file_actions_addclosefrom(&actions, descriptors.socket(sockets.count))
        }
    }

    /// This master's environment, without what belongs to it alone (systemd's notification
    /// socket and watchdog, socket activation), plus the hand-over.
    private static func environment(sockets: Int) -> [String] {
        var environment = WorkerSpawner.inheritedEnvironment
        environment.append("\(UpgradeEnvironment.listenFDs)=\(sockets)")
        environment.append("\(UpgradeEnvironment.oldMasterPID)=\(getpid())")
        return environment
    }
}
