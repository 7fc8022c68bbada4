import NIOCore

/// A draining worker's connections: each finishes its active request, then closes, or passes
/// to the worker that replaces this one (see ``ConnectionHandover``).
extension HTTPConnectionHandler {
    /// How long an idle connection of a draining worker waits for one last request.
    static let drainIdleGrace: TimeAmount = .milliseconds(500)

    /// The worker stops: no new request keeps the connection open, and an idle one is passed
    /// on or given its grace period now; a busy one when its request completes.
    func drain(_ event: WorkerDrainEvent, context: ChannelHandlerContext) {
        self.closeWhenIdle = true
        self.handover = event.handover
        guard self.active == nil else { return }
        if self.mayHandOver {
            self.handOver(context: context)
        } else {
            self.awaitLastRequest()
        }
    }

    /// Whether the connection could pass to the successor now: one is named, and nothing of a
    /// next request has been read or decoded.
    var mayHandOver: Bool {
        self.handover != nil && !self.refused && !self.isClosed && self.parser.isAtMessageBoundary
    }

    /// Passes the connection on, once everything written is flushed, and closes this worker's
    /// end. If by then a next request has begun, or it cannot be passed, the connection drains
    /// as any other: the next request is served with `Connection: close`.
    func handOver(context: ChannelHandlerContext) {
        let flushed = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(self.wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: flushed)
        flushed.futureResult.assumeIsolated().whenComplete { result in
            guard let context = self.context, self.active == nil, !self.isClosed else { return }
            // The check, the pass and the close run in this one callback: nothing is read
            // from the socket in between.
            if case .success = result, self.mayHandOver, let handover = self.handover, handover.pass(self.descriptor) {
                self.timer.cancel()
                context.close(promise: nil)
            } else {
                self.keepDraining()
            }
        }
    }

    /// Gives up passing the connection: it drains like any idle one.
    private func keepDraining() {
        self.handover = nil
        self.awaitLastRequest()
    }

    /// Closing an idle keep-alive connection at once races the client's next request, which
    /// then fails. A request that comes soon is served with `Connection: close`; a connection
    /// still idle after the grace period is closed.
    private func awaitLastRequest() {
        self.armTimer(after: Self.drainIdleGrace, expiry: .idle)
        self.resumeReadsIfPossible()
    }
}

/// Sent to every connection when the worker stops: finish the active request, then close, or
/// pass the connection to `handover`'s worker.
struct WorkerDrainEvent: Sendable {
    /// The worker that takes keep-alive connections, if there is one.
    var handover: ConnectionHandover?
}
