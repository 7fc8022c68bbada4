import NIOCore

extension HTTPConnectionHandler {
    /// Arms the connection's timer for `timeout` after `now`; the scheduled task holds the
    /// handler until it runs or ``ConnectionTimer/cancel()`` drops it in `handlerRemoved`.
    func armTimer(after timeout: TimeAmount, expiry: ConnectionTimer.Expiry, now: NIODeadline = .now()) {
        guard let context = self.context else { return }
        if let deadline = self.timer.arm(deadline: now + timeout, expiry: expiry) {
            self.scheduleTimer(at: deadline, on: context.eventLoop)
        }
    }

    private func scheduleTimer(at deadline: NIODeadline, on loop: any EventLoop) {
        let task = loop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timerFired()
        }
        self.timer.didSchedule(task, at: deadline)
    }

    private func timerFired() {
        let (expired, reschedule) = self.timer.fired(now: .now())
        guard let context = self.context else { return }
        if let reschedule {
            self.scheduleTimer(at: reschedule, on: context.eventLoop)
            return
        }
        switch expired {
        case .headerTimeout:
            // A client that opened a connection and never completed a head: slow-loris or idle.
            if self.active == nil {
                self.refuse(.requestTimeout, context: context)
            }
        case .idle:
            if self.active == nil {
                context.close(promise: nil)
            }
        case .linger:
            context.close(promise: nil)
        case .none:
            break
        }
    }
}
