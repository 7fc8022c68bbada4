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
/// Either way a worker gets what ``WorkerLaunch`` describes (the listening sockets, the control
/// pipe, the worker-slot region), nothing else beyond stdio, default signal dispositions and the
/// signal mask `Swiftcorn.main` sets.
struct WorkerSpawner {
    /// The binary to execute.
    let executablePath: String
    /// The sockets, in the order workers receive them at fds 3….
    let sockets: [ListeningSocket]
    /// The configuration handed to each worker, as `ConfigurationCoding` writes it.
    let settings: String
    /// Name shown by `ps`, e.g. `swiftcorn`.
    let processName: String
    /// The control pipe's write end.
    let controlDescriptor: Int32
    /// The region whose slots workers stamp and count in.
    let region: WorkerSlotRegion
    /// Whether workers record metrics into their slots (the side port sums them).
    let measured: Bool
    /// Event loops per worker, each with its heartbeat stamp.
    let threads: Int
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
        region: WorkerSlotRegion,
        measured: Bool,
        logger: Logger
    ) {
        self.executablePath = executablePath
        self.sockets = sockets
        self.settings = ConfigurationCoding.encode(configuration)
        self.processName = processName
        self.controlDescriptor = controlDescriptor
        self.region = region
        self.measured = measured
        self.threads = configuration.threads
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
            region: self.region,
            measured: self.measured,
            logger: self.logger
        )
    }

    /// Spawns the worker of `index` into the region's slot `slot`; returns its pid.
    func spawn(index: Int, slot: Int) throws(SystemCallError) -> pid_t {
        // The heartbeat counts from the spawn: a worker that hangs while booting is caught too.
        self.region.slot(slot).resetHeartbeat(loops: self.threads)
        let assignment = WorkerLaunch.Assignment(index: index, slot: slot, measured: self.measured)
        if let pid = self.forkServer?.fork(ForkRequest(assignment), start: self.startForkServer) {
            return pid
        }
        let launch = self.launch(.worker(assignment))
        return try ChildSpawn.start(
            self.executablePath,
            arguments: ["\(self.processName): worker \(index)"],
            environment: Self.inheritedEnvironment + launch.environment
        ) { actions in
            self.handOver(&actions, launch: launch, forkServerSocket: nil)
        }
    }

    /// Executes the fork server with `socket`, its end of the connection, after the descriptors
    /// every worker gets.
    private func startForkServer(socket: Int32) throws(SystemCallError) -> pid_t {
        let launch = self.launch(.forkServer)
        var environment = Self.inheritedEnvironment + launch.environment
        if getenv("LD_BIND_NOW") == nil {
            environment.append(WorkerLaunch.forkServerBindNow)
        }
        return try ChildSpawn.start(
            self.executablePath,
            arguments: [self.processName + WorkerLaunch.forkServerTitle],
            environment: environment
        ) { actions in
            self.handOver(&actions, launch: launch, forkServerSocket: socket)
        }
    }

    private func launch(_ role: WorkerLaunch.Role) -> WorkerLaunch {
        WorkerLaunch(socketCount: self.sockets.count, masterPID: getpid(), settings: self.settings, role: role)
    }

    /// Places each descriptor where `launch` says and closes the rest.
    private func handOver(_ actions: inout posix_spawn_file_actions_t, launch: WorkerLaunch, forkServerSocket: Int32?) {
        let descriptors = launch.descriptors
        for (offset, socket) in self.sockets.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, socket.fileDescriptor, descriptors.socket(offset))
        }
        posix_spawn_file_actions_adddup2(&actions, self.controlDescriptor, descriptors.controlPipe)
        posix_spawn_file_actions_adddup2(&actions, self.region.fileDescriptor, descriptors.slotRegion)
        if let forkServerSocket {
            posix_spawn_file_actions_adddup2(&actions, forkServerSocket, descriptors.forkServer)
        }
        cswiftcorn_spawn_file_actions_addclosefrom(&actions, descriptors.firstClosed(forkServer: forkServerSocket != nil))
    }

    /// The master's environment without anything addressed to the master alone (systemd's
    /// variables); the launch's variables follow it. (Configuration variables may stay: a worker
    /// reads its configuration from the master only.)
    static var inheritedEnvironment: [String] {
        WorkerLaunch.inheritedEnvironment(removing: [
            "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
        ])
    }
}
