import NIOCore

/// One re-armable deadline per connection (header timeout, keep-alive idle timeout).
///
/// Re-arming for a later deadline does not reschedule: the pending task fires, sees the later
/// deadline and schedules itself again. A busy keep-alive connection so costs one scheduled task
/// per timeout period instead of one per request. Event-loop confined.
final class ConnectionTimer {
    private var scheduled: Scheduled<Void>?
    private var scheduledAt: NIODeadline?
    private var deadline: NIODeadline?
    private var action: (() -> Void)?

    /// Calls `action` on `loop` at `deadline`, replacing any earlier arming.
    func arm(deadline: NIODeadline, on loop: any EventLoop, action: @escaping () -> Void) {
        self.deadline = deadline
        self.action = action
        if let scheduledAt = self.scheduledAt, scheduledAt <= deadline {
            return
        }
        self.scheduled?.cancel()
        self.schedule(at: deadline, on: loop)
    }

    /// Forgets the deadline; a pending task wakes up later and does nothing.
    func disarm() {
        self.deadline = nil
        self.action = nil
    }

    /// Forgets the deadline and cancels the pending task.
    func cancel() {
        self.disarm()
        self.scheduled?.cancel()
        self.scheduled = nil
        self.scheduledAt = nil
    }

    private func schedule(at deadline: NIODeadline, on loop: any EventLoop) {
        self.scheduledAt = deadline
        self.scheduled = loop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
            self?.fire(on: loop)
        }
    }

    private func fire(on loop: any EventLoop) {
        self.scheduled = nil
        self.scheduledAt = nil
        guard let deadline = self.deadline else { return }
        if deadline <= .now() {
            let action = self.action
            self.disarm()
            action?()
        } else {
            self.schedule(at: deadline, on: loop)
        }
    }
}
