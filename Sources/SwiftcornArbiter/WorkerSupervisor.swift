import SwiftcornApp
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// The master's bookkeeping of worker slots, as a state machine.
///
/// It performs nothing itself: each event returns the ``Action``s the ``Arbiter`` must carry out,
/// which keeps every supervision rule testable without processes.
struct WorkerSupervisor {
    enum SlotState {
        case running(pid: pid_t, startedAt: ContinuousClock.Instant)
        case waiting(respawnAt: ContinuousClock.Instant)
        case empty
    }

    struct Slot {
        var state: SlotState
        var fastFailures = 0
        /// The slot's worker that reported it accepts connections. One that dies after that was
        /// serving, most likely killed by a request (a trap in the app), and is replaced at once:
        /// backing off would leave the slot empty while such requests keep coming. Only workers
        /// that die before they are ready (a start that fails) back off.
        var readyPID: pid_t?
    }

    enum Phase {
        case running
        case stopping(graceful: Bool, killAt: ContinuousClock.Instant, exitCode: Int32)
        case stopped
    }

    /// A worker that dies sooner than this after starting counts as failing fast and backs off.
    static let fastFailureWindow: Duration = .seconds(5)
    /// Longest pause between respawns of a slot that keeps failing.
    static let maximumBackoff: Duration = .seconds(10)
    /// How long workers get to exit after a fast stop before they are killed.
    static let fastStopGrace: Duration = .seconds(1)

    var slots: [Slot]
    /// Workers leaving on purpose (fewer slots): pid → slot index, start, reason.
    var retiring: [pid_t: Retiring] = [:]

    /// A worker leaving on purpose.
    struct Retiring {
        let index: Int
        let startedAt: ContinuousClock.Instant
        let reason: WorkerExitReason
        /// Still serving until its replacement reports ready (max_requests).
        var awaitingReplacement: Bool
        /// The drain time the worker gives itself: the `graceful_timeout` of the configuration
        /// it was started with, which a reload may since have changed.
        let drainTimeout: Duration
        /// When the master kills it, should it still be there; set by the first tick after its
        /// TERM, ``retireKillGrace`` after its drain time: a worker still alive then is stuck,
        /// in an exit hook or a flush to a full pipe.
        var killAt: ContinuousClock.Instant? = nil
    }
    /// How long after its own drain deadline a stopping worker is killed. Generous: the tick
    /// that sets the deadline can come before the TERM, which waits behind any spawn queued
    /// ahead of it (up to 7 s when the fork server does not answer).
    static let retireKillGrace: Duration = .seconds(10)
    var phase: Phase = .running
    /// Workers sent SIGABRT for a stale heartbeat, and when; killed after ``abortGrace``.
    var timedOut: [pid_t: ContinuousClock.Instant] = [:]
    /// Time a worker gets after SIGABRT to log and die before SIGKILL.
    static let abortGrace: Duration = .seconds(2)
    /// How far a deadline moves once its SIGKILL is sent, so ticks do not repeat it while the
    /// worker is reaped (which is when its entry goes).
    static let afterKill: Duration = .seconds(3600)
    var gracefulTimeout: Duration

    /// Creates a supervisor for `workers` slots.
    init(workers: Int, gracefulTimeout: Duration) {
        self.slots = Array(repeating: Slot(state: .empty), count: workers)
        self.gracefulTimeout = gracefulTimeout
    }

    /// Pids of the live workers, by slot index, those leaving included.
    var runningWorkers: [(index: Int, pid: pid_t)] {
        self.slots.enumerated().compactMap { offset, slot in
            if case .running(let pid, _) = slot.state { return (offset + 1, pid) }
            return nil
        } + self.retiring.map { ($0.value.index, $0.key) }.sorted { $0.1 < $1.1 }
    }

    /// Fills every slot.
    mutating func start() -> [Action] {
        (1...self.slots.count).map { .spawn(index: $0) }
    }

    /// The worker of `index` was started as `pid`.
    mutating func workerSpawned(index: Int, pid: pid_t, now: ContinuousClock.Instant) -> [Action] {
        if case .running = self.phase {
            self.slots[index - 1].state = .running(pid: pid, startedAt: now)
            return []
        }
        // A stop arrived while it was being spawned: it must not outlive the master.
        self.slots[index - 1].state = .running(pid: pid, startedAt: now)
        return [.signal(pid: pid, signal: SIGQUIT)]
    }

    /// The worker of `index` could not be started; the slot is retried with backoff.
    mutating func spawnFailed(index: Int, now: ContinuousClock.Instant) -> [Action] {
        self.slots[index - 1].fastFailures += 1
        self.slots[index - 1].state = .waiting(respawnAt: now + self.backoff(failures: self.slots[index - 1].fastFailures))
        return []
    }

    /// A child was reaped.
    mutating func childExited(pid: pid_t, status: ProcessExitStatus, now: ContinuousClock.Instant) -> [Action] {
        let timedOut = self.timedOut.removeValue(forKey: pid) != nil
        if let leaving = self.retiring.removeValue(forKey: pid) {
            let exit = WorkerExit(
                index: leaving.index,
                pid: pid,
                status: status,
                reason: leaving.reason,
                lifetime: now - leaving.startedAt,
                respawnDelay: nil
            )
            return [.report(exit)] + self.exitIfAllStopped()
        }
        guard let offset = self.slots.firstIndex(where: { if case .running(pid, _) = $0.state { true } else { false } }),
            case .running(_, let startedAt) = self.slots[offset].state
        else { return [] }
        let index = offset + 1
        let lifetime = now - startedAt
        var actions: [Action] = []
        switch self.phase {
        case .stopping, .stopped:
            self.slots[offset].state = .empty
            actions.append(.report(WorkerExit(index: index, pid: pid, status: status, reason: .shutdown, lifetime: lifetime, respawnDelay: nil)))
            actions += self.exitIfAllStopped()
        case .running:
            if status == .exited(WorkerLaunch.bootFailureExitCode) {
                self.slots[offset].state = .empty
                actions.append(
                    .report(WorkerExit(index: index, pid: pid, status: status, reason: .bootFailure, lifetime: lifetime, respawnDelay: nil))
                )
                actions += self.stop(graceful: false, now: now, exitCode: WorkerLaunch.bootFailureExitCode)
            } else {
                if self.slots[offset].readyPID == pid || lifetime >= Self.fastFailureWindow {
                    self.slots[offset].fastFailures = 0
                } else {
                    self.slots[offset].fastFailures += 1
                }
                let delay = self.backoff(failures: self.slots[offset].fastFailures)
                let reason: WorkerExitReason = timedOut ? .timeout : .crash
                actions.append(.report(WorkerExit(index: index, pid: pid, status: status, reason: reason, lifetime: lifetime, respawnDelay: delay)))
                if delay == .zero {
                    self.slots[offset].state = .empty
                    actions.append(.spawn(index: index))
                } else {
                    self.slots[offset].state = .waiting(respawnAt: now + delay)
                }
            }
        }
        return actions
    }

    /// Time has passed: respawn slots whose backoff ended, kill workers that outlived a stop.
    mutating func tick(now: ContinuousClock.Instant) -> [Action] {
        var killed: [Action] = []
        for (pid, abortedAt) in self.timedOut where abortedAt + Self.abortGrace <= now {
            // Still here after SIGABRT: it cannot even log.
            self.timedOut[pid] = now + Self.afterKill
            killed.append(.signal(pid: pid, signal: SIGKILL))
        }
        switch self.phase {
        case .running:
            var actions: [Action] = killed + self.killStuckRetiringWorkers(now: now)
            for offset in self.slots.indices {
                if case .waiting(let respawnAt) = self.slots[offset].state, respawnAt <= now {
                    self.slots[offset].state = .empty
                    actions.append(.spawn(index: offset + 1))
                }
            }
            return actions
        case .stopping(let graceful, let killAt, let exitCode) where killAt <= now:
            self.phase = .stopping(graceful: graceful, killAt: now + Self.afterKill, exitCode: exitCode)
            return self.runningWorkers.map { .signal(pid: $0.pid, signal: SIGKILL) }
        case .stopping, .stopped:
            return []
        }
    }

    /// The next moment ``tick(now:)`` has something to do, if any.
    var nextDeadline: ContinuousClock.Instant? {
        switch self.phase {
        case .running:
            return self.slots.compactMap { slot in
                if case .waiting(let respawnAt) = slot.state { return respawnAt }
                return nil
            }.min()
        case .stopping(_, let killAt, _):
            return killAt
        case .stopped:
            return nil
        }
    }

    /// Whether worker `pid` of slot `index` has reported ready.
    func isReady(index: Int, pid: pid_t) -> Bool {
        index >= 1 && index <= self.slots.count && self.slots[index - 1].readyPID == pid
    }

    /// No pause for the first fast failure, then 250ms doubling up to ``maximumBackoff``.
    func backoff(failures: Int) -> Duration {
        guard failures > 1 else { return .zero }
        let exponent = min(failures - 2, 16)
        return min(.milliseconds(250) * (1 << exponent), Self.maximumBackoff)
    }
}

extension WorkerSupervisor {
    /// What the arbiter must do next.
    enum Action: Equatable {
        /// Start the worker of slot `index`.
        case spawn(index: Int)
        /// Send `signal` to `pid`.
        case signal(pid: pid_t, signal: Int32)
        /// Stop `pid` gracefully (TERM), passing its keep-alive connections to `successor`, the
        /// worker that replaces it.
        case retire(pid: pid_t, successor: pid_t)
        /// Report a worker's end.
        case report(WorkerExit)
        /// Stop the master with this exit status.
        case exit(code: Int32)
    }

    /// A worker's end, for logs and metrics.
    struct WorkerExit: Equatable {
        let index: Int
        let pid: pid_t
        let status: ProcessExitStatus
        let reason: WorkerExitReason
        let lifetime: Duration
        /// When the slot will be filled again, if it will.
        let respawnDelay: Duration?
    }
}

/// Workers whose heartbeat stopped.
extension WorkerSupervisor {
    /// Slots whose heartbeat the master checks: running workers not already aborted or leaving.
    var heartbeatWatched: [(index: Int, pid: pid_t)] {
        guard case .running = self.phase else { return [] }
        return self.slots.enumerated().compactMap { offset, slot in
            if case .running(let pid, _) = slot.state, self.timedOut[pid] == nil { return (offset + 1, pid) }
            return nil
        }
    }

    /// The heartbeat of `pid` is older than `timeout`.
    mutating func workerTimedOut(pid: pid_t, now: ContinuousClock.Instant) -> [Action] {
        guard self.timedOut[pid] == nil else { return [] }
        self.timedOut[pid] = now
        return [.signal(pid: pid, signal: SIGABRT)]
    }
}

/// Changing the pool on purpose: scaling, reloads and max_requests, each starting new workers before old ones stop.
extension WorkerSupervisor {
    /// How many workers the master keeps.
    var desiredWorkers: Int { self.slots.count }

    /// TTIN: one more slot, filled at once.
    mutating func scaleUp() -> [Action] {
        guard case .running = self.phase else { return [] }
        self.slots.append(Slot(state: .empty))
        return [.spawn(index: self.slots.count)]
    }

    /// TTOU: one slot fewer, never below one; its worker drains gracefully.
    mutating func scaleDown(now: ContinuousClock.Instant) -> [Action] {
        guard case .running = self.phase, self.slots.count > 1, let last = self.slots.popLast() else { return [] }
        guard case .running(let pid, let startedAt) = last.state else { return [] }
        self.retiring[pid] = Retiring(
            index: self.slots.count + 1,
            startedAt: startedAt,
            reason: .scaleDown,
            awaitingReplacement: false,
            drainTimeout: self.gracefulTimeout
        )
        return [.signal(pid: pid, signal: SIGTERM)]
    }

    /// Whether workers of a reload still wait for their replacements.
    var reloadInProgress: Bool {
        self.retiring.values.contains { $0.reason == .reload && $0.awaitingReplacement }
    }

    /// HUP with a valid configuration: a new worker for every slot (and for added slots) alongside
    /// the old ones, which stop as their replacements report ready; slots beyond the new count
    /// drain at once, since the new count is what the pool must not fall below.
    mutating func beginReload(workers: Int, gracefulTimeout: Duration) -> [Action] {
        guard case .running = self.phase else { return [] }
        // The old workers drain by the configuration they were started with.
        let oldDrainTimeout = self.gracefulTimeout
        self.gracefulTimeout = gracefulTimeout
        var actions: [Action] = []
        while self.slots.count > workers, let last = self.slots.popLast() {
            if case .running(let pid, let startedAt) = last.state {
                self.retiring[pid] = Retiring(
                    index: self.slots.count + 1,
                    startedAt: startedAt,
                    reason: .reload,
                    awaitingReplacement: false,
                    drainTimeout: oldDrainTimeout
                )
                actions.append(.signal(pid: pid, signal: SIGTERM))
            }
        }
        for offset in self.slots.indices {
            if case .running(let pid, let startedAt) = self.slots[offset].state {
                self.retiring[pid] = Retiring(
                    index: offset + 1,
                    startedAt: startedAt,
                    reason: .reload,
                    awaitingReplacement: true,
                    drainTimeout: oldDrainTimeout
                )
            }
            self.slots[offset] = Slot(state: .empty)
            actions.append(.spawn(index: offset + 1))
        }
        while self.slots.count < workers {
            self.slots.append(Slot(state: .empty))
            actions.append(.spawn(index: self.slots.count))
        }
        return actions
    }

    /// The worker of `index` served its max_requests: start its replacement in the slot; the old
    /// one keeps serving until the replacement is ready, so the pool never shrinks.
    mutating func workerRetiring(index: Int, pid: pid_t) -> [Action] {
        guard case .running = self.phase, index >= 1, index <= self.slots.count,
            case .running(pid, let startedAt) = self.slots[index - 1].state
        else { return [] }
        self.retiring[pid] = Retiring(
            index: index,
            startedAt: startedAt,
            reason: .maxRequests,
            awaitingReplacement: true,
            drainTimeout: self.gracefulTimeout
        )
        self.slots[index - 1].state = .empty
        return [.spawn(index: index)]
    }

    /// SIGKILL for every worker told to stop (scaled down, reloaded, recycled) that outlived its
    /// drain by ``retireKillGrace``, once each.
    mutating func killStuckRetiringWorkers(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        for (pid, leaving) in self.retiring where !leaving.awaitingReplacement {
            guard let killAt = leaving.killAt else {
                self.retiring[pid]?.killAt = now + leaving.drainTimeout + Self.retireKillGrace
                continue
            }
            if killAt <= now {
                self.retiring[pid]?.killAt = now + Self.afterKill
                actions.append(.signal(pid: pid, signal: SIGKILL))
            }
        }
        return actions
    }

    /// The worker `pid` of `index` accepts connections: the worker it replaces may stop now,
    /// and pass its keep-alive connections to `pid`.
    mutating func workerReady(index: Int, pid: pid_t) -> [Action] {
        guard index >= 1, index <= self.slots.count, case .running(pid, _) = self.slots[index - 1].state else { return [] }
        self.slots[index - 1].readyPID = pid
        var actions: [Action] = []
        for (oldPID, leaving) in self.retiring where leaving.index == index && leaving.awaitingReplacement {
            self.retiring[oldPID]?.awaitingReplacement = false
            actions.append(.retire(pid: oldPID, successor: pid))
        }
        return actions
    }
}

/// Stopping the master: TERM or QUIT to every worker, SIGKILL at the deadline, exit once all are reaped.
extension WorkerSupervisor {
    /// TERM or INT (graceful) or QUIT (fast) reached the master.
    mutating func stopRequested(graceful: Bool, now: ContinuousClock.Instant) -> [Action] {
        switch self.phase {
        case .running:
            return self.stop(graceful: graceful, now: now, exitCode: 0)
        case .stopping(true, _, let exitCode) where !graceful:
            return self.stop(graceful: false, now: now, exitCode: exitCode)
        case .stopping, .stopped:
            return []
        }
    }

    mutating func stop(graceful: Bool, now: ContinuousClock.Instant, exitCode: Int32) -> [Action] {
        let grace = graceful ? self.gracefulTimeout : Self.fastStopGrace
        self.phase = .stopping(graceful: graceful, killAt: now + grace, exitCode: exitCode)
        for offset in self.slots.indices {
            if case .waiting = self.slots[offset].state {
                self.slots[offset].state = .empty
            }
        }
        let signal = graceful ? SIGTERM : SIGQUIT
        return self.runningWorkers.map { .signal(pid: $0.pid, signal: signal) } + self.exitIfAllStopped()
    }

    mutating func exitIfAllStopped() -> [Action] {
        guard case .stopping(_, _, let exitCode) = self.phase, self.runningWorkers.isEmpty else { return [] }
        self.phase = .stopped
        return [.exit(code: exitCode)]
    }
}
