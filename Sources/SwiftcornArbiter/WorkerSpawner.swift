import CSwiftcornSystem
import Logging
import SwiftcornConfig
import SwiftcornMetrics
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// Starts worker processes: forked by the fork server of this configuration, or, when that is
/// off or failed, by executing this binary with `posix_spawn`.
///
/// The master itself never forks: forking a multithreaded Swift process is undefined behaviour.
/// Either way a worker gets the listening sockets at fds 3…, the control pipe, the heartbeat and
/// metrics regions after them, nothing else beyond stdio, default signal dispositions and the
/// signal mask `Swiftcorn.main` sets.
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
    /// The fork server of this configuration; `nil` when workers are executed.
    let forkServer: ForkServerConnection?
    /// Where a failing fork server is reported.
    let logger: Logger

    /// A spawner handing workers `configuration`.
    init(
        executablePath: String,
        sockets: [ListeningSocket],
        configuration: ServerConfiguration,
        processName: String,
        controlDescriptor: Int32,
        heartbeats: HeartbeatRegion,
        metrics: MetricsRegion?,
        logger: Logger
    ) {
        self.executablePath = executablePath
        self.sockets = sockets
        self.configurationJSON = ConfigurationCoding.encode(configuration)
        self.processName = processName
        self.controlDescriptor = controlDescriptor
        self.heartbeats = heartbeats
        self.threads = configuration.threads
        self.metrics = metrics
        self.forkServer = configuration.workerStart == .fork ? ForkServerConnection(logger: logger) : nil
        self.logger = logger
    }

    /// The same spawner handing workers `configuration` instead.
    /// (A new fork server too: the old one exits once the old spawner is released.)
    func with(configuration: ServerConfiguration) -> WorkerSpawner {
        WorkerSpawner(
            executablePath: self.executablePath,
            sockets: self.sockets,
            configuration: configuration,
            processName: self.processName,
            controlDescriptor: self.controlDescriptor,
            heartbeats: self.heartbeats,
            metrics: self.metrics,
            logger: self.logger
        )
    }

    /// Spawns the worker for slot `index`, stamping heartbeat slot `heartbeatSlot` and recording
    /// into metrics slot `metricsSlot`; returns its pid.
    func spawn(index: Int, heartbeatSlot: Int, metricsSlot: Int?) throws(SystemCallError) -> pid_t {
        // The heartbeat counts from the spawn: a worker that hangs while booting is caught too.
        self.heartbeats.reset(index: heartbeatSlot, loops: self.threads)
        let request = ForkRequest(index: index, heartbeatSlot: heartbeatSlot, metricsSlot: self.metrics == nil ? nil : metricsSlot)
        if let pid = self.forkServer?.fork(request, start: self.startForkServer) {
            return pid
        }
        return try ChildSpawn.start(
            self.executablePath,
            arguments: ["\(self.processName): worker \(index)"],
            environment: self.environment(request)
        ) { actions in
            self.handOver(&actions, forkServerSocket: nil)
        }
    }

    /// Executes the fork server with `socket`, its end of the connection, after the descriptors
    /// every worker gets.
    private func startForkServer(socket: Int32) throws(SystemCallError) -> pid_t {
        var environment = self.environment(nil)
        environment.append("\(WorkerEnvironment.forkServerFD)=\(6 + self.sockets.count)")
        if getenv("LD_BIND_NOW") == nil {
            environment.append(WorkerEnvironment.forkServerBindNow)
        }
        return try ChildSpawn.start(
            self.executablePath,
            arguments: [self.processName + WorkerEnvironment.forkServerTitle],
            environment: environment
        ) { actions in
            self.handOver(&actions, forkServerSocket: socket)
        }
    }

    private func handOver(_ actions: inout posix_spawn_file_actions_t, forkServerSocket: Int32?) {
        for (offset, socket) in self.sockets.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, socket.fileDescriptor, Int32(3 + offset))
        }
        posix_spawn_file_actions_adddup2(&actions, self.controlDescriptor, Int32(3 + self.sockets.count))
        posix_spawn_file_actions_adddup2(&actions, self.heartbeats.fileDescriptor, Int32(4 + self.sockets.count))
        if let metrics = self.metrics {
            posix_spawn_file_actions_adddup2(&actions, metrics.fileDescriptor, Int32(5 + self.sockets.count))
        }
        if let forkServerSocket {
            posix_spawn_file_actions_adddup2(&actions, forkServerSocket, Int32(6 + self.sockets.count))
        }
        cswiftcorn_spawn_file_actions_addclosefrom(&actions, Int32(forkServerSocket == nil ? 6 : 7) + Int32(self.sockets.count))
    }
}

extension WorkerSpawner {
    /// The master's environment without anything addressed to the master alone, plus the
    /// worker's `request` (the fork server gets everything but the request's slots).
    /// (Configuration variables may stay: a worker reads its configuration from the master only.)
    func environment(_ request: ForkRequest?) -> [String] {
        let masterOnly = [
            "LISTEN_FDS=", "LISTEN_PID=", "LISTEN_FDNAMES=", "NOTIFY_SOCKET=", "WATCHDOG_USEC=", "WATCHDOG_PID=",
            "\(WorkerEnvironment.listenFDs)=", "\(WorkerEnvironment.workerIndex)=", "\(WorkerEnvironment.masterPID)=",
            "\(WorkerEnvironment.configuration)=", "\(WorkerEnvironment.controlFD)=", "\(WorkerEnvironment.heartbeatFD)=",
            "\(WorkerEnvironment.metricsFD)=", "\(WorkerEnvironment.metricsSlot)=", "\(WorkerEnvironment.heartbeatSlot)=",
            "\(WorkerEnvironment.forkServerFD)=",
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
        environment.append("\(WorkerEnvironment.masterPID)=\(getpid())")
        environment.append("\(WorkerEnvironment.configuration)=\(self.configurationJSON)")
        environment.append("\(WorkerEnvironment.controlFD)=\(3 + self.sockets.count)")
        environment.append("\(WorkerEnvironment.heartbeatFD)=\(4 + self.sockets.count)")
        if self.metrics != nil {
            environment.append("\(WorkerEnvironment.metricsFD)=\(5 + self.sockets.count)")
        }
        guard let request else { return environment }
        environment.append("\(WorkerEnvironment.workerIndex)=\(request.index)")
        environment.append("\(WorkerEnvironment.heartbeatSlot)=\(request.heartbeatSlot)")
        if let metricsSlot = request.metricsSlot {
            environment.append("\(WorkerEnvironment.metricsSlot)=\(metricsSlot)")
        } else {
            environment.removeAll { $0.hasPrefix("\(WorkerEnvironment.metricsFD)=") }
        }
        return environment
    }
}
