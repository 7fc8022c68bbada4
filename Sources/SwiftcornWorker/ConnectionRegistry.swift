import NIOCore
import Synchronization

/// The open connections of a worker, across its event loops: enforces `worker_connections` and
/// lets a draining worker reach every connection and know when the last one closed.
final class ConnectionRegistry: Sendable {
    private struct State {
        /// Accepted connections, including those still being set up.
        var reserved = 0
        var channels: [ObjectIdentifier: any Channel] = [:]
        var onCapacity: (@Sendable () -> Void)?
        var onEmpty: (@Sendable () -> Void)?
        /// What every connection was told when the drain began.
        var drainEvent: WorkerDrainEvent?
        /// Holders that may still bring connections (see ``pin()``).
        var pins = 0

        var isEmpty: Bool { self.reserved == 0 && self.pins == 0 }
    }

    /// The most connections open at once.
    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    /// Number of open connections.
    var count: Int {
        self.state.withLock { $0.reserved }
    }

    /// Whether another connection may be accepted.
    var hasCapacity: Bool {
        self.state.withLock { $0.reserved < self.limit }
    }

    /// Calls `callback` whenever a connection closes while the worker was at its limit.
    func onCapacity(_ callback: @escaping @Sendable () -> Void) {
        self.state.withLock { $0.onCapacity = callback }
    }

    /// Takes a place for a connection about to be accepted; false at the limit.
    func tryReserve() -> Bool {
        self.state.withLock { state in
            guard state.reserved < self.limit else { return false }
            state.reserved += 1
            return true
        }
    }

    /// Takes a place beyond the limit, for a connection that is already the worker's to serve:
    /// one passed by a retiring worker, whose client may have sent its next request already.
    func reserveBeyondLimit() {
        self.state.withLock { $0.reserved += 1 }
    }

    /// Keeps a drain from completing until ``unpin()``: for the receiver of passed connections,
    /// which may still hold some the drain must not lose.
    func pin() {
        self.state.withLock { $0.pins += 1 }
    }

    /// Ends a ``pin()``; completes the drain if nothing else is open.
    func unpin() {
        let onEmpty = self.state.withLock { state -> (@Sendable () -> Void)? in
            state.pins -= 1
            return state.isEmpty ? state.onEmpty : nil
        }
        onEmpty?()
    }

    /// Gives back a place whose connection never came to be.
    func release() {
        self.connectionEnded(id: nil)
    }

    /// Records `channel`, which holds a reserved place, until it closes.
    func register(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let drainEvent = self.state.withLock { state in
            state.channels[id] = channel
            return state.drainEvent
        }
        channel.closeFuture.whenComplete { _ in
            self.connectionEnded(id: id)
        }
        if let drainEvent {
            // Accepted just before the drain began and set up just after: it must drain too.
            channel.pipeline.fireUserInboundEventTriggered(drainEvent)
        }
    }

    /// Sends `event` to every connection and calls `onEmpty` once none is left open.
    func drain(event: WorkerDrainEvent, onEmpty: @escaping @Sendable () -> Void) {
        let channels = self.state.withLock { state -> [any Channel]? in
            state.drainEvent = event
            if state.isEmpty { return nil }
            state.onEmpty = onEmpty
            return Array(state.channels.values)
        }
        guard let channels else {
            onEmpty()
            return
        }
        for channel in channels {
            channel.pipeline.fireUserInboundEventTriggered(event)
        }
    }

    private func connectionEnded(id: ObjectIdentifier?) {
        let (onCapacity, onEmpty) = self.state.withLock { state -> ((@Sendable () -> Void)?, (@Sendable () -> Void)?) in
            let wasFull = state.reserved >= self.limit
            state.reserved -= 1
            if let id { state.channels[id] = nil }
            return (wasFull ? state.onCapacity : nil, state.isEmpty ? state.onEmpty : nil)
        }
        onCapacity?()
        onEmpty?()
    }
}
