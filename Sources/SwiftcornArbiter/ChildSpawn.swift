import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// `posix_spawn` of a child that starts from a clean slate: empty signal mask and default
/// dispositions (the master blocks the signals it reads from its signalfd; a child reads its
/// own), with the descriptors `prepare` arranges.
enum ChildSpawn {
    /// Spawns `executablePath` (looked up in `PATH` with `searchPath`) with `arguments` and
    /// `environment`; returns the child's pid.
    static func start(
        _ executablePath: String,
        searchPath: Bool = false,
        arguments: [String],
        environment: [String],
        prepare: (inout posix_spawn_file_actions_t) -> Void
    ) throws(SystemCallError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        prepare(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let result = CStringArray.with(arguments) { argv in
            CStringArray.with(environment) { envp in
                searchPath
                    ? posix_spawnp(&pid, executablePath, &actions, &attributes, argv, envp)
                    : posix_spawn(&pid, executablePath, &actions, &attributes, argv, envp)
            }
        }
        guard result == 0 else { throw SystemCallError("posix_spawn", subject: executablePath, errno: result) }
        return pid
    }
}

/// A NULL-terminated `char *[]` for the lifetime of a closure.
enum CStringArray {
    static func with<Result>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result) -> Result {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer {
            for pointer in pointers { free(pointer) }
        }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
