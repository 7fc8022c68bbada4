import SwiftcornSystem
import Testing

@testable import SwiftcornArbiter

#if canImport(Glibc)
import Glibc
#endif

@Suite("The master-to-worker launch contract")
struct WorkerLaunchTests {
    /// Decodes `launch.environment` as a started process reads its variables.
    func decoded(_ launch: WorkerLaunch) -> WorkerLaunch? {
        var variables: [String: String] = [:]
        for entry in launch.environment {
            let equals = entry.firstIndex(of: "=")!
            #expect(variables[String(entry[..<equals])] == nil, "\(entry) set twice")
            variables[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        return WorkerLaunch { variables[$0] }
    }

    @Test("a worker's launch survives its environment, settings text included")
    func workerRoundTrip() {
        for measured in [true, false] {
            let launch = WorkerLaunch(
                socketCount: 2,
                masterPID: 4242,
                settings: "workers\t2\nbind\t127.0.0.1:8000,unix:/tmp/a b=c\n",
                role: .worker(WorkerLaunch.Assignment(index: 3, slot: 0, measured: measured))
            )
            #expect(self.decoded(launch) == launch)
        }
    }

    @Test("the fork server's launch survives its environment and names its socket")
    func forkServerRoundTrip() {
        let launch = WorkerLaunch(socketCount: 1, masterPID: 7, settings: "", role: .forkServer)
        #expect(self.decoded(launch) == launch)
        #expect(launch.environment.contains("SWIFTCORN_FORK_SERVER_FD=\(launch.descriptors.forkServer)"))
    }

    @Test("variables of no master's child, or malformed, are no launch")
    func rejectsForeignVariables() {
        #expect(WorkerLaunch { _ in nil } == nil)
        let noRole = ["SWIFTCORN_LISTEN_FDS": "1", "SWIFTCORN_MASTER_PID": "9"]
        #expect(WorkerLaunch { noRole[$0] } == nil)
        let badCount = ["SWIFTCORN_LISTEN_FDS": "x", "SWIFTCORN_MASTER_PID": "9", "SWIFTCORN_WORKER_INDEX": "1", "SWIFTCORN_WORKER_SLOT": "0"]
        #expect(WorkerLaunch { badCount[$0] } == nil)
    }

    @Test("descriptors: sockets from 3, then the control pipe, the slot region, the fork server's socket")
    func descriptorTable() {
        let descriptors = WorkerLaunch.Descriptors(socketCount: 2)
        #expect(descriptors.sockets == [3, 4])
        #expect(descriptors.controlPipe == 5)
        #expect(descriptors.slotRegion == 6)
        #expect(descriptors.forkServer == 7)
        #expect(descriptors.inherited(forkServer: false) == [3, 4, 5, 6])
        #expect(descriptors.inherited(forkServer: true) == [3, 4, 5, 6, 7])
        #expect(descriptors.firstClosed(forkServer: false) == 7)
        #expect(descriptors.firstClosed(forkServer: true) == 8)
        #expect(WorkerLaunch.Descriptors(socketCount: 0).inherited(forkServer: false) == [3, 4])
    }

    @Test("a fork request carries a worker's assignment")
    func forkRequestRoundTrip() {
        for assignment in [WorkerLaunch.Assignment(index: 1, slot: 0, measured: true), .init(index: 12, slot: 1023, measured: false)] {
            #expect(ForkRequest(words: ForkRequest(assignment).words).assignment == assignment)
        }
    }

    @Test("children inherit none of the contract's variables from their master")
    func inheritedEnvironmentDropsTheContract() {
        setenv("SWIFTCORN_WORKER_SLOT", "5", 1)
        setenv("SWIFTCORN_UPGRADE_FROM", "5", 1)
        setenv("NOTIFY_SOCKET", "/x", 1)
        defer {
            unsetenv("SWIFTCORN_WORKER_SLOT")
            unsetenv("SWIFTCORN_UPGRADE_FROM")
            unsetenv("NOTIFY_SOCKET")
        }
        let environment = WorkerSpawner.inheritedEnvironment
        #expect(!environment.contains { $0.hasPrefix("SWIFTCORN_WORKER_SLOT=") || $0.hasPrefix("SWIFTCORN_UPGRADE_FROM=") })
        #expect(!environment.contains { $0.hasPrefix("NOTIFY_SOCKET=") })
        #expect(environment.contains { $0.hasPrefix("PATH=") })
    }
}
