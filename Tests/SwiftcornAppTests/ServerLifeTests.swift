import SwiftcornApp
import Synchronization
import Testing

/// The vocabulary of a server's life an application sees: why workers end, and its hooks.
@Suite("WorkerExitReason, WorkerExitSummary and ServerHooks")
struct ServerLifeTests {
    /// What the hooks were called with, in order.
    final class Seen: Sendable {
        private let entries = Mutex<[String]>([])
        var all: [String] { self.entries.withLock { $0 } }

        func record(_ entry: String) {
            self.entries.withLock { $0.append(entry) }
        }
    }

    @Test("exit reasons log and label as snake_case words")
    func exitReasonRawValues() {
        let expected: [WorkerExitReason: String] = [
            .crash: "crash", .timeout: "timeout", .maxRequests: "max_requests", .reload: "reload",
            .scaleDown: "scale_down", .shutdown: "shutdown", .bootFailure: "boot_failure",
        ]
        #expect(Set(WorkerExitReason.allCases) == Set(expected.keys), "a new reason needs its label checked here")
        for reason in WorkerExitReason.allCases {
            #expect(reason.rawValue == expected[reason])
            #expect(reason.description == expected[reason])
            #expect("\(reason)" == expected[reason])
            #expect(WorkerExitReason(rawValue: reason.rawValue) == reason)
        }
        #expect(WorkerExitReason(rawValue: "maxRequests") == nil)
        #expect(WorkerExitReason(rawValue: "MAX_REQUESTS") == nil)
    }

    @Test("an exit summary keeps what the master tells the childExit hook")
    func exitSummary() {
        let summary = WorkerExitSummary(workerIndex: 3, pid: 4_242, reason: .timeout, status: "signal 6 (SIGABRT)")
        #expect(summary.workerIndex == 3 && summary.pid == 4_242)
        #expect(summary.reason == .timeout && summary.status == "signal 6 (SIGABRT)")
    }

    @Test("ServerHooks() sets no hook")
    func noHooksByDefault() {
        let hooks = ServerHooks()
        #expect(hooks.onStarting == nil)
        #expect(hooks.whenReady == nil)
        #expect(hooks.onReload == nil)
        #expect(hooks.workersChanged == nil)
        #expect(hooks.childExit == nil)
        #expect(hooks.onExit == nil)
        #expect(hooks.postWorkerInit == nil)
        #expect(hooks.preRequest == nil)
        #expect(hooks.postRequest == nil)
        #expect(hooks.workerAbort == nil)
        #expect(hooks.workerExit == nil)
    }

    @Test("a hook set is the one called")
    func hookSet() {
        var hooks = ServerHooks()
        let seen = Seen()
        hooks.workersChanged = { new, old in seen.record("\(old)->\(new)") }
        hooks.childExit = { summary in seen.record(summary.reason.rawValue) }
        hooks.workersChanged?(4, 2)
        hooks.childExit?(WorkerExitSummary(workerIndex: 1, pid: 1, reason: .scaleDown, status: "exit status 0"))
        #expect(seen.all == ["2->4", "scale_down"])
    }
}
