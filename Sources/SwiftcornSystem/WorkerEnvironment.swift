import CSwiftcornSystem

/// The names of the environment variables a master uses to hand things to its workers.
public enum WorkerEnvironment {
    /// Number of listening sockets at fds 3…, as systemd's `LISTEN_FDS`.
    public static let listenFDs = "SWIFTCORN_LISTEN_FDS"
    /// The worker's index, 1…N; its presence makes the process a worker.
    public static let workerIndex = "SWIFTCORN_WORKER_INDEX"
    /// The resolved configuration, as JSON.
    public static let configuration = "SWIFTCORN_WORKER_CONFIG"
    /// The master's pid, so a worker notices when it is orphaned.
    public static let masterPID = "SWIFTCORN_MASTER_PID"
    /// The descriptor of the pipe a worker writes its messages to the master on.
    public static let controlFD = "SWIFTCORN_CONTROL_FD"
    /// The descriptor of the shared heartbeat region.
    public static let heartbeatFD = "SWIFTCORN_HEARTBEAT_FD"
    /// The heartbeat slot this worker process stamps.
    public static let heartbeatSlot = "SWIFTCORN_HEARTBEAT_SLOT"
    /// The descriptor of the shared metrics region.
    public static let metricsFD = "SWIFTCORN_METRICS_FD"
    /// The number of the metrics slot lent to this worker process.
    public static let metricsSlot = "SWIFTCORN_METRICS_SLOT"
    /// The descriptor of the fork server's socket to the master; its presence makes the process
    /// the fork server.
    public static let forkServerFD = "SWIFTCORN_FORK_SERVER_FD"
    /// `LD_BIND_NOW` as the master sets it for the fork server, when it was not set already.
    ///
    /// The dynamic linker then binds every symbol once, in the fork server, and each forked
    /// worker inherits the bound tables instead of resolving its first call of each function
    /// anew. The fork server removes the variable again when it has this value, so processes a
    /// worker executes do not inherit it.
    public static let forkServerBindNow = "LD_BIND_NOW=swiftcorn-fork-server"
    /// What follows the program name in the fork server's command line; as long as
    /// `: worker 1024`, so a forked worker can write its own title in its place.
    public static let forkServerTitle = ": fork server"
    /// Slots in the heartbeat region: the most worker processes a master can have at once.
    public static let heartbeatSlots = 1024
    /// Exit status of a worker whose application failed to start; the master then stops, as gunicorn does.
    public static let bootFailureExitCode: Int32 = 3
}

/// The environment of this process.
public enum ProcessEnvironment {
    /// Every variable, by name.
    public static var current: [String: String] {
        var result: [String: String] = [:]
        var entry = cswiftcorn_environ()
        while let pointer = entry?.pointee {
            let variable = String(cString: pointer)
            if let equals = variable.firstIndex(of: "=") {
                result[String(variable[..<equals])] = String(variable[variable.index(after: equals)...])
            }
            entry = entry?.advanced(by: 1)
        }
        return result
    }
}
