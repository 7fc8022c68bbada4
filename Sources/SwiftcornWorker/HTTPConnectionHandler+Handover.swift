import NIOCore

/// Passing the connection to the worker that replaces this one (see ``ConnectionHandover``).
extension HTTPConnectionHandler {
    /// Whether the connection could pass to the successor now: one is named, and nothing of a
    /// next request has been read or decoded.
    var mayHandOver: Bool {
        self.handover != nil && self.queued.isEmpty && !self.refused && !self.isClosed
            && self.lineGuard.atMessageBoundary
    }

    /// Passes the connection on once everything written is flushed, and closes this worker's
    /// end. Reads stay paused meanwhile (they resume only for a next request), so no byte is
    /// read here that the successor would miss. If it cannot be passed, the connection drains
    /// as any idle one: a last request within the grace period is served with `Connection: close`.
    func handOver(context: ChannelHandlerContext) {
        let flushed = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(self.wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: flushed)
        flushed.futureResult.assumeIsolated().whenComplete { result in
            guard let context = self.context, self.active == nil else { return }
            if case .success = result, self.mayHandOver, let handover = self.handover, handover.pass(self.descriptor) {
                self.timer.cancel()
                context.close(promise: nil)
                return
            }
            self.handover = nil
            self.armTimer(after: Self.drainIdleGrace, expiry: .idle)
            self.resumeReadsIfPossible()
        }
    }
}
