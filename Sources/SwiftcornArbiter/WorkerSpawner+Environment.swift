import CSwiftcornSystem
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

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
