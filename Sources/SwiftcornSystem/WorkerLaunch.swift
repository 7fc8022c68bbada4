import CSwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// What a master hands each process it starts from its binary (a worker, or the fork server that
/// forks workers): the descriptors it inherits and the environment variables that describe them.
///
/// The master encodes it (``environment``, ``Descriptors``) and the started process decodes it
/// (``current``); nothing else knows a descriptor number or a variable name of the contract.
///
/// With `n` listening sockets:
///
/// | descriptor   | holds                                                         |
/// |--------------|---------------------------------------------------------------|
/// | 3 ..< 3 + n  | the listening sockets, in the order of the `-b` addresses     |
/// | 3 + n        | the control pipe's write end (``ControlMessage``)             |
/// | 4 + n        | the worker-slot region (memfd; each worker maps its own slot) |
/// | 5 + n        | fork server only: its socket to the master (``ForkRequest``)  |
///
/// Every descriptor above the last is closed; stdio is the master's.
///
/// | variable                   | value                                                   |
/// |----------------------------|---------------------------------------------------------|
/// | `SWIFTCORN_LISTEN_FDS`     | `n`                                                     |
/// | `SWIFTCORN_MASTER_PID`     | the master's pid: a process whose parent differs leaves |
/// | `SWIFTCORN_WORKER_CONFIG`  | the settings' text (`ConfigurationCoding`)              |
/// | `SWIFTCORN_WORKER_INDEX`   | worker only: its index, 1…N                             |
/// | `SWIFTCORN_WORKER_SLOT`    | worker only: the slot of the region lent to its process |
/// | `SWIFTCORN_WORKER_METRICS` | worker only, `1` when it records metrics into its slot  |
/// | `SWIFTCORN_FORK_SERVER_FD` | fork server only: `5 + n`                               |
package struct WorkerLaunch: Sendable, Equatable {
    /// Number of listening sockets, at descriptors 3….
    package var socketCount: Int
    /// The master's pid.
    package var masterPID: pid_t
    /// The resolved configuration as `ConfigurationCoding` writes it: one setting per line.
    package var settings: String
    /// Which process this is.
    package var role: Role

    /// The process started: a worker, or the fork server that forks workers.
    package enum Role: Sendable, Equatable {
        /// A worker with its assignment.
        case worker(Assignment)
        /// The fork server: it receives each worker's ``Assignment`` in a ``ForkRequest``.
        case forkServer
    }

    /// What makes a process one particular worker.
    package struct Assignment: Sendable, Equatable {
        /// The worker index, 1…N.
        package var index: Int
        /// The slot of the worker-slot region lent to this process (not to the index: a
        /// replacement boots next to the worker it replaces, each with its own slot).
        package var slot: Int
        /// Whether it records metrics into its slot (the master sums them for the side port).
        package var measured: Bool

        /// The assignment of worker `index` to `slot`.
        package init(index: Int, slot: Int, measured: Bool) {
            self.index = index
            self.slot = slot
            self.measured = measured
        }
    }

    /// A launch of `role` with `socketCount` sockets, from master `masterPID`.
    package init(socketCount: Int, masterPID: pid_t, settings: String, role: Role) {
        self.socketCount = socketCount
        self.masterPID = masterPID
        self.settings = settings
        self.role = role
    }

    /// The worker's assignment; `nil` for the fork server.
    package var assignment: Assignment? {
        guard case .worker(let assignment) = self.role else { return nil }
        return assignment
    }

    /// Which descriptor holds what.
    package var descriptors: Descriptors { Descriptors(socketCount: self.socketCount) }

    /// Which descriptor holds what, for `socketCount` listening sockets (see the table at
    /// ``WorkerLaunch``).
    package struct Descriptors: Sendable, Equatable {
        /// The descriptor of the first listening socket, as with systemd's socket activation.
        package static let firstSocket: Int32 = 3

        /// Number of listening sockets.
        package let socketCount: Int

        /// Descriptors for `socketCount` listening sockets.
        package init(socketCount: Int) {
            self.socketCount = socketCount
        }

        /// The listening socket at `offset`, 0 ..< ``socketCount``.
        package func socket(_ offset: Int) -> Int32 { Self.firstSocket + Int32(offset) }
        /// Every listening socket.
        package var sockets: [Int32] { (0..<self.socketCount).map(self.socket) }
        /// The control pipe's write end.
        package var controlPipe: Int32 { self.socket(self.socketCount) }
        /// The worker-slot region.
        package var slotRegion: Int32 { self.controlPipe + 1 }
        /// The fork server's socket to the master.
        package var forkServer: Int32 { self.slotRegion + 1 }

        /// Every descriptor a worker, or with `forkServer` the fork server, inherits beyond stdio, in order.
        package func inherited(forkServer: Bool) -> [Int32] {
            self.sockets + [self.controlPipe, self.slotRegion] + (forkServer ? [self.forkServer] : [])
        }

        /// The first descriptor closed in a worker, or with `forkServer` in the fork server.
        package func firstClosed(forkServer: Bool) -> Int32 {
            (forkServer ? self.forkServer : self.slotRegion) + 1
        }
    }
}

// MARK: - The environment

extension WorkerLaunch {
    /// Number of listening sockets.
    static let listenFDs = "SWIFTCORN_LISTEN_FDS"
    /// The master's pid.
    static let masterPIDName = "SWIFTCORN_MASTER_PID"
    /// The settings' text.
    static let settingsName = "SWIFTCORN_WORKER_CONFIG"
    /// The worker index; its presence makes the process a worker.
    static let workerIndex = "SWIFTCORN_WORKER_INDEX"
    /// The worker's slot.
    static let workerSlot = "SWIFTCORN_WORKER_SLOT"
    /// `1` when the worker records metrics.
    static let workerMetrics = "SWIFTCORN_WORKER_METRICS"
    /// The fork server's socket; its presence makes the process the fork server.
    static let forkServerFD = "SWIFTCORN_FORK_SERVER_FD"

    /// Every variable of the contract: a master removes them from what its children inherit,
    /// and the configuration loader knows they carry no setting.
    package static let variableNames = [listenFDs, masterPIDName, settingsName, workerIndex, workerSlot, workerMetrics, forkServerFD]

    /// `LD_BIND_NOW` as the master sets it for the fork server, when it was not set already.
    ///
    /// The dynamic linker then binds every symbol once, in the fork server, and each forked
    /// worker inherits the bound tables instead of resolving its first call of each function
    /// anew. The fork server removes the variable again when it has this value, so processes a
    /// worker executes do not inherit it.
    package static let forkServerBindNow = "LD_BIND_NOW=swiftcorn-fork-server"
    /// What follows the program name in the fork server's command line; as long as
    /// `: worker 1024`, so a forked worker can write its own title in its place.
    package static let forkServerTitle = ": fork server"
    /// Exit status of a worker whose application failed to start; the master then stops, as gunicorn does.
    package static let bootFailureExitCode: Int32 = 3

    /// The variables, `NAME=value` each, in the order of the table at ``WorkerLaunch``.
    package var environment: [String] {
        self.variables.map { "\($0.name)=\($0.value)" }
    }

    private var variables: [(name: String, value: String)] {
        var variables = [
            (Self.listenFDs, "\(self.socketCount)"), (Self.masterPIDName, "\(self.masterPID)"), (Self.settingsName, self.settings),
        ]
        switch self.role {
        case .worker(let assignment):
            variables += [(Self.workerIndex, "\(assignment.index)"), (Self.workerSlot, "\(assignment.slot)")]
            if assignment.measured { variables.append((Self.workerMetrics, "1")) }
        case .forkServer:
            variables.append((Self.forkServerFD, "\(self.descriptors.forkServer)"))
        }
        return variables
    }

    /// Reads a launch from `variable`, which looks a variable up by name; `nil` when the
    /// variables do not describe a worker or a fork server of a master.
    package init?(variable: (String) -> String?) {
        guard let socketCount = variable(Self.listenFDs).flatMap({ Int($0) }), socketCount >= 0,
            let masterPID = variable(Self.masterPIDName).flatMap({ pid_t($0) })
        else { return nil }
        let role: Role
        if let index = variable(Self.workerIndex).flatMap({ Int($0) }), let slot = variable(Self.workerSlot).flatMap({ Int($0) }) {
            role = .worker(Assignment(index: index, slot: slot, measured: variable(Self.workerMetrics) == "1"))
        } else if variable(Self.forkServerFD) != nil {
            role = .forkServer
        } else {
            return nil
        }
        self.init(socketCount: socketCount, masterPID: masterPID, settings: variable(Self.settingsName) ?? "", role: role)
    }

    /// The launch this process was started with; `nil` in a master.
    package static var current: WorkerLaunch? {
        WorkerLaunch { name in getenv(name).map { String(cString: $0) } }
    }

    /// Whether this process was started as a worker, without decoding the rest.
    package static func startedAsWorker() -> Bool { getenv(Self.workerIndex) != nil }

    /// Whether this process was started as the fork server.
    package static func startedAsForkServer() -> Bool { getenv(Self.forkServerFD) != nil }

    /// Rewrites this process's environment to say what `self` says (a worker the fork server
    /// forked then looks as if the master had executed it; `/proc/PID/environ` does not change).
    package func export() {
        for name in Self.variableNames {
            unsetenv(name)
        }
        for (name, value) in self.variables {
            setenv(name, value, 1)
        }
    }

    /// This process's environment, `NAME=value` each, without the variables of the contract and
    /// without those named in `alsoRemoved` (meant for this process alone): what a child inherits.
    package static func inheritedEnvironment(removing alsoRemoved: [String]) -> [String] {
        let removed = (Self.variableNames + UpgradeEnvironment.variableNames + alsoRemoved).map { $0 + "=" }
        return ProcessEnvironment.entries.filter { entry in !removed.contains { entry.hasPrefix($0) } }
    }
}

/// The variables an old master hands the new master it starts for a binary upgrade (USR2); the
/// listening sockets are at descriptors 3… as for a worker (``WorkerLaunch/Descriptors``).
package enum UpgradeEnvironment {
    /// Number of listening sockets at fds 3…, in the order of the `-b` addresses.
    package static let listenFDs = "SWIFTCORN_UPGRADE_FDS"
    /// The old master's pid: the new master tells it to stop once ready (`upgrade_auto_stop`).
    package static let oldMasterPID = "SWIFTCORN_UPGRADE_FROM"
    /// Both names.
    package static let variableNames = [listenFDs, oldMasterPID]
}

/// The environment of this process.
package enum ProcessEnvironment {
    /// Every variable, by name.
    package static var current: [String: String] {
        var result: [String: String] = [:]
        for variable in Self.entries {
            if let equals = variable.firstIndex(of: "=") {
                result[String(variable[..<equals])] = String(variable[variable.index(after: equals)...])
            }
        }
        return result
    }

    /// Every variable as `NAME=value`, in the order of `environ`.
    package static var entries: [String] {
        var result: [String] = []
        var entry = cswiftcorn_environ()
        while let pointer = entry?.pointee {
            result.append(String(cString: pointer))
            entry = entry?.advanced(by: 1)
        }
        return result
    }
}
