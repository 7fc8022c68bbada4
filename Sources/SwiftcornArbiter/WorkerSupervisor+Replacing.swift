import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

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
        var actions: [Action] = []
        for (oldPID, leaving) in self.retiring where leaving.index == index && leaving.awaitingReplacement {
            self.retiring[oldPID]?.awaitingReplacement = false
            actions.append(.retire(pid: oldPID, successor: pid))
        }
        return actions
    }
}
