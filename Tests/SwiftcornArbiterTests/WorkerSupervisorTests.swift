import Testing

@testable import SwiftcornArbiter

#if canImport(Glibc)
import Glibc
#endif

@Suite("WorkerSupervisor")
struct WorkerSupervisorTests {
    let start = ContinuousClock.now

    @Test func startFillsEverySlot() {
        var supervisor = WorkerSupervisor(workers: 3, gracefulTimeout: .seconds(30))
        #expect(supervisor.start() == [.spawn(index: 1), .spawn(index: 2), .spawn(index: 3)])
    }

    @Test func crashAfterALongLifeRespawnsAtOnce() {
        var supervisor = self.running(workers: 2)
        let actions = supervisor.childExited(pid: 101, status: .signaled(SIGKILL), now: self.start + .seconds(60))
        #expect(actions.count == 2)
        guard case .report(let exit) = actions[0] else {
            Issue.record("expected a report first")
            return
        }
        #expect(exit.reason == .crash)
        #expect(exit.index == 1)
        #expect(actions[1] == .spawn(index: 1))
    }

    @Test func slotThatKeepsDyingBacksOffExponentially() {
        var supervisor = self.running(workers: 1)
        var now = self.start
        var pid: pid_t = 101
        var delays: [Duration] = []
        for _ in 0..<6 {
            now = now + .milliseconds(100)
            let actions = supervisor.childExited(pid: pid, status: .exited(1), now: now)
            guard case .report(let exit) = actions.first, let delay = exit.respawnDelay else {
                Issue.record("expected a report with a respawn delay")
                return
            }
            delays.append(delay)
            now = now + delay
            let respawn = delay == .zero ? actions.dropFirst().first : supervisor.tick(now: now).first
            #expect(respawn == .spawn(index: 1))
            pid += 1
            _ = supervisor.workerSpawned(index: 1, pid: pid, now: now)
        }
        #expect(delays == [.zero, .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4)])
    }

    @Test("a worker that crashes after it reported ready is replaced at once, however often")
    func servingWorkersThatCrashAreReplacedAtOnce() {
        // One crashing request a second: each replacement serves, then dies to the next one.
        var supervisor = self.running(workers: 1)
        var now = self.start
        var pid: pid_t = 101
        for _ in 0..<8 {
            _ = supervisor.workerReady(index: 1, pid: pid)
            #expect(supervisor.isReady(index: 1, pid: pid))
            now = now + .seconds(1)
            let actions = supervisor.childExited(pid: pid, status: .signaled(SIGILL), now: now)
            guard case .report(let exit) = actions.first else {
                Issue.record("expected a report")
                return
            }
            #expect(exit.respawnDelay == .zero)
            #expect(actions.dropFirst().first == .spawn(index: 1))
            pid += 1
            _ = supervisor.workerSpawned(index: 1, pid: pid, now: now)
        }
        // The same deaths before ready still back off: a start that fails must not spin.
        now = now + .milliseconds(100)
        _ = supervisor.childExited(pid: pid, status: .exited(1), now: now)
        _ = supervisor.workerSpawned(index: 1, pid: pid + 1, now: now)
        let second = supervisor.childExited(pid: pid + 1, status: .exited(1), now: now + .milliseconds(100))
        guard case .report(let exit) = second.first else {
            Issue.record("expected a report")
            return
        }
        #expect(exit.respawnDelay == .milliseconds(250))
        #expect(!supervisor.isReady(index: 1, pid: 999))
        #expect(!supervisor.isReady(index: 7, pid: pid))
    }

    @Test func backoffIsNotDueBeforeItsTime() {
        var supervisor = self.running(workers: 1)
        _ = supervisor.childExited(pid: 101, status: .exited(1), now: self.start + .milliseconds(10))
        _ = supervisor.workerSpawned(index: 1, pid: 102, now: self.start + .milliseconds(20))
        _ = supervisor.childExited(pid: 102, status: .exited(1), now: self.start + .milliseconds(30))
        #expect(supervisor.tick(now: self.start + .milliseconds(100)).isEmpty)
        #expect(supervisor.nextDeadline == self.start + .milliseconds(280))
        #expect(supervisor.tick(now: self.start + .milliseconds(280)) == [.spawn(index: 1)])
    }

    @Test func bootFailureStopsTheMasterWithStatus3() {
        var supervisor = self.running(workers: 2)
        let actions = supervisor.childExited(pid: 101, status: .exited(3), now: self.start + .seconds(1))
        #expect(actions.contains(.signal(pid: 102, signal: SIGQUIT)))
        #expect(!actions.contains { if case .spawn = $0 { true } else { false } })
        #expect(supervisor.childExited(pid: 102, status: .exited(0), now: self.start + .seconds(1)).last == .exit(code: 3))
    }

    @Test func gracefulStopSendsTermThenKillsAfterTheTimeout() {
        var supervisor = self.running(workers: 2)
        let stop = supervisor.stopRequested(graceful: true, now: self.start)
        #expect(stop == [.signal(pid: 101, signal: SIGTERM), .signal(pid: 102, signal: SIGTERM)])
        _ = supervisor.childExited(pid: 101, status: .exited(0), now: self.start + .seconds(1))
        #expect(supervisor.tick(now: self.start + .seconds(29)).isEmpty)
        #expect(supervisor.tick(now: self.start + .seconds(30)) == [.signal(pid: 102, signal: SIGKILL)])
        let last = supervisor.childExited(pid: 102, status: .signaled(SIGKILL), now: self.start + .seconds(30))
        #expect(last.last == .exit(code: 0))
        guard case .report(let exit) = last.first else {
            Issue.record("expected a report")
            return
        }
        #expect(exit.reason == .shutdown)
    }

    @Test func quitDuringGracefulStopEscalates() {
        var supervisor = self.running(workers: 1)
        _ = supervisor.stopRequested(graceful: true, now: self.start)
        #expect(supervisor.stopRequested(graceful: false, now: self.start) == [.signal(pid: 101, signal: SIGQUIT)])
        #expect(supervisor.stopRequested(graceful: true, now: self.start).isEmpty)
    }

    @Test func crashWhileStoppingIsNotRespawned() {
        var supervisor = self.running(workers: 2)
        _ = supervisor.stopRequested(graceful: true, now: self.start)
        let actions = supervisor.childExited(pid: 101, status: .signaled(SIGSEGV), now: self.start)
        #expect(!actions.contains { if case .spawn = $0 { true } else { false } })
    }

    @Test func scalingUpAndDownKeepsAtLeastOneWorker() {
        var supervisor = self.running(workers: 1)
        #expect(supervisor.scaleUp() == [.spawn(index: 2)])
        _ = supervisor.workerSpawned(index: 2, pid: 102, now: self.start)
        #expect(supervisor.desiredWorkers == 2)
        #expect(supervisor.scaleDown(now: self.start) == [.signal(pid: 102, signal: SIGTERM)])
        #expect(supervisor.desiredWorkers == 1)
        #expect(supervisor.scaleDown(now: self.start).isEmpty)
        // The retiring worker is still supervised until it is reaped, and is not replaced.
        #expect(supervisor.runningWorkers.map(\.pid).sorted() == [101, 102])
        let actions = supervisor.childExited(pid: 102, status: .exited(0), now: self.start + .seconds(1))
        guard case .report(let exit) = actions.first else {
            Issue.record("expected a report")
            return
        }
        #expect(exit.reason == .scaleDown)
        #expect(actions.count == 1)
        #expect(supervisor.runningWorkers.map(\.pid) == [101])
    }

    @Test func stopWaitsForRetiringWorkersToo() {
        var supervisor = self.running(workers: 2)
        _ = supervisor.scaleDown(now: self.start)
        let stop = supervisor.stopRequested(graceful: true, now: self.start)
        #expect(stop.contains(.signal(pid: 101, signal: SIGTERM)) && stop.contains(.signal(pid: 102, signal: SIGTERM)))
        _ = supervisor.childExited(pid: 101, status: .exited(0), now: self.start)
        #expect(supervisor.childExited(pid: 102, status: .exited(0), now: self.start).last == .exit(code: 0))
    }

    @Test func maxRequestsReplacesBeforeStopping() {
        var supervisor = self.running(workers: 2)
        #expect(supervisor.workerRetiring(index: 1, pid: 101) == [.spawn(index: 1)])
        _ = supervisor.workerSpawned(index: 1, pid: 201, now: self.start)
        // Both serve until the replacement accepts.
        #expect(supervisor.runningWorkers.map(\.pid).sorted() == [101, 102, 201])
        #expect(supervisor.workerReady(index: 1, pid: 201) == [.retire(pid: 101, successor: 201)])
        #expect(supervisor.workerReady(index: 1, pid: 201).isEmpty)
        let actions = supervisor.childExited(pid: 101, status: .exited(0), now: self.start + .seconds(2))
        guard case .report(let exit) = actions.first else {
            Issue.record("expected a report")
            return
        }
        #expect(exit.reason == .maxRequests)
        #expect(actions.count == 1)
        // A stale or repeated retire message changes nothing.
        #expect(supervisor.workerRetiring(index: 1, pid: 101).isEmpty)
    }

    @Test("A worker told to stop that outlives its drain by the kill grace is killed, once")
    func stuckRetiringWorkerIsKilled() {
        var supervisor = self.running(workers: 2)
        _ = supervisor.workerRetiring(index: 1, pid: 101)
        _ = supervisor.workerSpawned(index: 1, pid: 201, now: self.start)
        // Still serving while its replacement starts: no deadline yet, however long that takes.
        #expect(supervisor.tick(now: self.start + .seconds(120)).isEmpty)
        _ = supervisor.workerReady(index: 1, pid: 201)
        let told = self.start + .seconds(121)
        #expect(supervisor.tick(now: told).isEmpty)
        let deadline = told + .seconds(30) + WorkerSupervisor.retireKillGrace
        #expect(supervisor.tick(now: deadline - .milliseconds(1)).isEmpty)
        #expect(supervisor.tick(now: deadline) == [.signal(pid: 101, signal: SIGKILL)])
        #expect(supervisor.tick(now: deadline + .seconds(1)).isEmpty)
        guard case .report(let exit) = supervisor.childExited(pid: 101, status: .signaled(SIGKILL), now: deadline).first else {
            Issue.record("expected a report")
            return
        }
        #expect(exit.reason == .maxRequests)
        #expect(supervisor.runningWorkers.map(\.pid).sorted() == [102, 201])
    }

    @Test("Workers stopped by a reload keep the drain time they were started with")
    func reloadLoweringTheGracefulTimeoutSparesOldWorkersDrains() {
        var supervisor = self.running(workers: 1)
        _ = supervisor.beginReload(workers: 1, gracefulTimeout: .seconds(5))
        _ = supervisor.workerSpawned(index: 1, pid: 201, now: self.start)
        #expect(supervisor.workerReady(index: 1, pid: 201) == [.retire(pid: 101, successor: 201)])
        #expect(supervisor.tick(now: self.start).isEmpty)
        // The old worker drains for its 30 s, not the new configuration's 5 s.
        #expect(supervisor.tick(now: self.start + .seconds(5) + WorkerSupervisor.retireKillGrace).isEmpty)
        #expect(supervisor.tick(now: self.start + .seconds(30) + WorkerSupervisor.retireKillGrace) == [.signal(pid: 101, signal: SIGKILL)])
    }

    @Test func staleHeartbeatAbortsThenKillsAndRespawns() {
        var supervisor = self.running(workers: 2)
        #expect(supervisor.workerTimedOut(pid: 101, now: self.start + .seconds(60)) == [.signal(pid: 101, signal: SIGABRT)])
        #expect(supervisor.workerTimedOut(pid: 101, now: self.start + .seconds(60)).isEmpty)
        #expect(!supervisor.heartbeatWatched.contains { $0.pid == 101 })
        #expect(supervisor.tick(now: self.start + .seconds(61)).isEmpty)
        #expect(supervisor.tick(now: self.start + .seconds(62)) == [.signal(pid: 101, signal: SIGKILL)])
        let actions = supervisor.childExited(pid: 101, status: .signaled(SIGKILL), now: self.start + .seconds(62))
        guard case .report(let exit) = actions.first else {
            Issue.record("expected a report")
            return
        }
        #expect(exit.reason == .timeout)
        #expect(actions.last == .spawn(index: 1))
    }

    @Test func reloadStartsANewGenerationBeforeStoppingTheOld() {
        var supervisor = self.running(workers: 2)
        #expect(supervisor.beginReload(workers: 3, gracefulTimeout: .seconds(5)) == [.spawn(index: 1), .spawn(index: 2), .spawn(index: 3)])
        #expect(supervisor.reloadInProgress)
        _ = supervisor.workerSpawned(index: 1, pid: 201, now: self.start)
        _ = supervisor.workerSpawned(index: 2, pid: 202, now: self.start)
        _ = supervisor.workerSpawned(index: 3, pid: 203, now: self.start)
        #expect(supervisor.workerReady(index: 1, pid: 201) == [.retire(pid: 101, successor: 201)])
        #expect(supervisor.reloadInProgress)
        #expect(supervisor.workerReady(index: 2, pid: 202) == [.retire(pid: 102, successor: 202)])
        #expect(!supervisor.reloadInProgress)
        #expect(supervisor.beginReload(workers: 1, gracefulTimeout: .seconds(5)).first == .signal(pid: 203, signal: SIGTERM))
    }

    @Test func unknownChildIsIgnored() {
        var supervisor = self.running(workers: 1)
        #expect(supervisor.childExited(pid: 999, status: .exited(0), now: self.start).isEmpty)
    }

    private func running(workers: Int) -> WorkerSupervisor {
        var supervisor = WorkerSupervisor(workers: workers, gracefulTimeout: .seconds(30))
        _ = supervisor.start()
        for index in 1...workers {
            _ = supervisor.workerSpawned(index: index, pid: pid_t(100 + index), now: self.start)
        }
        return supervisor
    }
}
