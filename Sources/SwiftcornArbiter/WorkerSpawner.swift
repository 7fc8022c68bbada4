import CSwiftcornSystem
import SwiftcornConfig
import SwiftcornMetrics
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// Starts worker processes by re-executing this binary with `posix_spawn`.
///
/// Never `fork` without `exec`: forking a multithreaded Swift process is undefined behaviour.
/// The child gets the listening sockets at fds 3…, nothing else beyond stdio, default signal
/// dispositions and an empty signal mask (the master blocks the signals it reads from a signalfd).
struct WorkerSpawner {
    /// The binary to execute.
    let executablePath: String
    /// The sockets, in the order workers receive them at fds 3….
    let sockets: [ListeningSocket]
    /// Serialized configuration handed to each worker.
    let configurationJSON: String
    /// Name shown by `ps`, e.g. `swiftcorn`.
    let processName: String
    /// The control pipe's write end, handed to each worker after the sockets.
    let controlDescriptor: Int32
    /// The heartbeat region, handed to each worker after the control pipe.
    let heartbeats: HeartbeatRegion
    /// Event loops per worker, each with its heartbeat stamp.
    let threads: Int
    /// The metrics region, handed to each worker after the heartbeat region; `nil` when off.
    let metrics: MetricsRegion?

    /// The same spawner handing workers `configuration` instead.
    func with(configuration: ServerConfiguration) -> WorkerSpawner {
        WorkerSpawner(
            executablePath: self.executablePath,
            sockets: self.sockets,
            configurationJSON: ConfigurationCoding.encode(configuration),
            processName: self.processName,
            controlDescriptor: self.controlDescriptor,
            heartbeats: self.heartbeats,
            threads: configuration.threads,
            metrics: self.metrics
        )
    }

    /// Spawns the worker for slot `index`, stamping heartbeat slot `heartbeatSlot` and recording
    /// into metrics slot `metricsSlot`; returns its pid.
    func spawn(index: Int, heartbeatSlot: Int, metricsSlot: Int?) throws(SystemCallError) -> pid_t {
        // The heartbeat counts from the spawn: a worker that hangs while booting is caught too.
        self.heartbeats.reset(index: heartbeatSlot, loops: self.threads)
        return try ChildSpawn.start(
            self.executablePath,
            arguments: ["\(self.processName): worker \(index)"],
            environment: self.environment(index: index, heartbeatSlot: heartbeatSlot, metricsSlot: metricsSlot)
        ) { actions in
            for (offset, socket) in self.sockets.enumerated() {
                posix_spawn_file_actions_adddup2(&actions, socket.fileDescriptor, Int32(3 + offset))
            }
            posix_spawn_file_actions_adddup2(&actions, self.controlDescriptor, Int32(3 + self.sockets.count))
            posix_spawn_file_actions_adddup2(&actions, self.heartbeats.fileDescriptor, Int32(4 + self.sockets.count))
            if let metrics = self.metrics {
                posix_spawn_file_actions_adddup2(&actions, metrics.fileDescriptor, Int32(5 + self.sockets.count))
            }
            cswiftcorn_spawn_file_actions_addclosefrom(&actions, Int32(6 + self.sockets.count))
        }
    }

    /// The master's environment without anything addressed to the master alone, plus the worker's.
    /// (Configuration variables may stay: a worker reads its configuration from the master only.)
    private func environment(index: Int, heartbeatSlot: Int, metricsSlot: Int?) -> [String] {
        let masterOnly = [
            "LISTEN_FDS=", "LISTEN_PID=", "LISTEN_FDNAMES=", "NOTIFY_SOCKET=", "WATCHDOG_USEC=", "WATCHDOG_PID=",
            "\(WorkerEnvironment.listenFDs)=", "\(WorkerEnvironment.workerIndex)=", "\(WorkerEnvironment.masterPID)=",
            "\(WorkerEnvironment.configuration)=", "\(WorkerEnvironment.controlFD)=", "\(WorkerEnvironment.heartbeatFD)=",
            "\(WorkerEnvironment.metricsFD)=", "\(WorkerEnvironment.metricsSlot)=", "\(WorkerEnvironment.heartbeatSlot)=",
        ]
        var environment: [String] = []
        var entry = cswiftcorn_environ()
        while let pointer = entry?.pointee {
            let variable = String(cString: pointer)
            if !masterOnly.contains(where: { variable.hasPrefix($0) }) {
                environment.append(variable)
            }
            entry = entry?.advanced(by: 1)
        }
        environment.append("\(WorkerEnvironment.listenFDs)=\(self.sockets.count)")
        environment.append("\(WorkerEnvironment.workerIndex)=\(index)")
        environment.append("\(WorkerEnvironment.masterPID)=\(getpid())")
        environment.append("\(WorkerEnvironment.configuration)=\(self.configurationJSON)")
        environment.append("\(WorkerEnvironment.controlFD)=\(3 + self.sockets.count)")
        environment.append("\(WorkerEnvironment.heartbeatFD)=\(4 + self.sockets.count)")
        environment.append("\(WorkerEnvironment.heartbeatSlot)=\(heartbeatSlot)")
        if self.metrics != nil, let metricsSlot {
            environment.append("\(WorkerEnvironment.metricsFD)=\(5 + self.sockets.count)")
            environment.append("\(WorkerEnvironment.metricsSlot)=\(metricsSlot)")
        }
        return environment
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
