import NIOCore

/// One re-armable deadline per connection (header timeout, keep-alive idle timeout, linger).
///
/// Re-arming for a later deadline does not reschedule: the pending task fires, sees the later
/// deadline and schedules itself again. A busy keep-alive connection so costs one scheduled task
/// per timeout period instead of one per request. Owned by ``HTTPConnectionHandler``, whose
/// event loop it is confined to.
struct ConnectionTimer {
    /// What happens when the deadline passes.
    enum Expiry {
        /// No complete head in time on a new connection: 408 and close.
        case headerTimeout
        /// An idle keep-alive connection: close quietly.
        case idle
        /// A connection waiting for the client to finish: close.
        case linger
    }

    private var scheduled: Scheduled<Void>?
    private var scheduledAt: NIODeadline?
    private(set) var deadline: NIODeadline?
    private(set) var expiry: Expiry?

    /// Sets the deadline; returns the moment a task must be scheduled for, if the pending one
    /// would fire too late.
    mutating func arm(deadline: NIODeadline, expiry: Expiry) -> NIODeadline? {
        self.deadline = deadline
        self.expiry = expiry
        if let scheduledAt = self.scheduledAt, scheduledAt <= deadline {
            return nil
        }
        self.scheduled?.cancel()
        return deadline
    }

    /// Records the task scheduled for `deadline`.
    mutating func didSchedule(_ task: Scheduled<Void>, at deadline: NIODeadline) {
        self.scheduled = task
        self.scheduledAt = deadline
    }

    /// Forgets the deadline; a pending task wakes up later and does nothing.
    mutating func disarm() {
        self.deadline = nil
        self.expiry = nil
    }

    /// Forgets the deadline and cancels the pending task.
    mutating func cancel() {
        self.disarm()
        self.scheduled?.cancel()
        self.scheduled = nil
        self.scheduledAt = nil
    }

    /// The pending task ran: what expired, or `nil` with a new deadline to schedule for.
    mutating func fired(now: NIODeadline) -> (expired: Expiry?, reschedule: NIODeadline?) {
        self.scheduled = nil
        self.scheduledAt = nil
        guard let deadline = self.deadline else { return (nil, nil) }
        if deadline <= now {
            let expiry = self.expiry
            self.disarm()
            return (expiry, nil)
        }
        return (nil, deadline)
    }
}
