import HTTPTypes
import Logging
import NIOCore
import SwiftcornApp
import SwiftcornLogging

extension HTTPConnectionHandler {
    /// Parses received bytes for as long as the connection may take them: up to the end of a
    /// request that still awaits its response.
    ///
    /// Not reentrant: a request answered within the loop completes and calls this again, and
    /// the loop already running goes on instead, so a read of many pipelined requests does not
    /// nest a call per request.
    func parseReceived(context: ChannelHandlerContext) {
        guard !self.isParsing else { return }
        self.isParsing = true
        defer { self.isParsing = false }
        while !self.isClosed, self.active?.requestEnded != true, let event = self.parser.next() {
            switch event {
            case .head(let head):
                self.receiveHead(head, context: context)
            case .body(let buffer):
                self.receiveBody(buffer, context: context)
            case .end:
                self.receiveEnd(context: context)
            case .refused(let refusal):
                if let active = self.active, active.responseStarted {
                    context.close(promise: nil)
                } else {
                    self.refuse(refusal.status, context: context)
                }
            }
        }
    }

    private func receiveHead(_ head: ParsedRequestHead, context: ChannelHandlerContext) {
        self.timer.disarm()
        guard self.active == nil, !self.refused else {
            // After a refusal the connection only waits for the client to close it.
            context.close(promise: nil)
            return
        }
        if case .length(let length) = head.framing, length > self.settings.maxBodySize {
            self.refuse(.contentTooLarge, context: context)
            return
        }
        var expectsContinue = false
        if let expectation = head.expectation {
            guard expectation.lowercased() == "100-continue" else {
                self.refuse(.expectationFailed, context: context)
                return
            }
            expectsContinue = !head.isHTTP10
        }
        self.generation &+= 1
        let trusted = self.peerIsTrusted
        let started = NIODeadline.now()
        let request = head.request
        let method = request.method.rawValue
        let target = request.path ?? ""
        let active = ActiveRequest(
            keepAlive: head.keepAlive && !self.closeWhenIdle,
            isHead: request.method == .head,
            isHTTP10: head.isHTTP10,
            expectsContinue: expectsContinue,
            generation: self.generation,
            method: method,
            target: target,
            requestID: Self.requestID(head.requestID, trusted: trusted, generator: self.settings.requestIDs),
            clientAddress: trusted ? Self.forwardedClient(head.forwardedFor) ?? self.remoteAddress : self.remoteAddress,
            started: started
        )
        var body = RequestBody.empty
        if head.framing != .none {
            let stream = RequestBody.Producer.makeSequence(
                backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8),
                // A safety net: every path that drops a request finishes its source explicitly.
                finishOnDeinit: true,
                delegate: self.makeBodyDemand(context: context, generation: self.generation)
            )
            active.bodySource = stream.source
            body = RequestBody(producer: stream.sequence)
            if expectsContinue {
                self.sendContinue(context: context)
                active.expectsContinue = false
            }
        } else {
            active.expectsContinue = false
        }
        active.flightKey = self.settings.inFlight.begin(
            method: method,
            target: target,
            requestID: active.requestID,
            started: started
        )
        self.settings.metrics?.requestStarted(method: method)
        active.userAgent = head.userAgent
        active.referer = head.referer
        active.host = head.host
        self.active = active
        let appRequest = Request(head: request, body: body)
        if active.bodySource == nil {
            // No body: the parser hands on the request's end next, from this same read. Answering
            // then lets the response complete the request, instead of ending before it and
            // waiting, as for an unread body, for the rest.
            active.unansweredRequest = appRequest
        } else {
            self.dispatch(appRequest, clientAddress: active.clientAddress, context: context)
        }
    }

    private func receiveBody(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        guard let active = self.active else { return }
        active.bodyBytes += buffer.readableBytes
        if active.bodyBytes > self.settings.maxBodySize {
            // Chunked bodies have no declared length: the limit can only be seen here.
            active.bodySource?.finish(HTTPError(.contentTooLarge))
            active.bodySource = nil
            active.keepAlive = false
            if !active.responseStarted {
                self.refuse(.contentTooLarge, context: context)
            } else {
                context.close(promise: nil)
            }
            return
        }
        guard let source = active.bodySource else { return }
        switch source.yield(buffer) {
        case .produceMore:
            break
        case .stopProducing:
            self.bodyBackpressure = true
        case .dropped:
            self.active?.bodySource = nil
            self.bodyBackpressure = false
        }
    }

    private func receiveEnd(context: ChannelHandlerContext) {
        guard let active = self.active else { return }
        active.requestEnded = true
        active.bodySource?.finish()
        active.bodySource = nil
        self.bodyBackpressure = false
        if let request = active.unansweredRequest {
            active.unansweredRequest = nil
            self.dispatch(request, clientAddress: active.clientAddress, context: context)
        } else if active.responseEnded {
            self.requestCompleted(context: context)
        }
    }

    /// The active request is fully read and answered (at `now`): move on to the next one or close.
    func requestCompleted(context: ChannelHandlerContext, now: NIODeadline = .now()) {
        guard let active = self.active else { return }
        self.settings.inFlight.end(active.flightKey)
        self.active = nil
        self.settings.requestBudget?.spend()
        if active.keepAlive && self.closeWhenIdle && self.mayHandOver {
            self.handOver(context: context)
            return
        }
        // A draining connection closes once it holds nothing of a next request: one already
        // received, even in part, is served (with `Connection: close`) rather than lost.
        if !active.keepAlive || (self.closeWhenIdle && self.parser.isAtMessageBoundary) {
            context.close(promise: nil)
            return
        }
        self.parseReceived(context: context)
        if self.active == nil {
            if self.closeWhenIdle {
                self.armTimer(after: Self.drainIdleGrace, expiry: .idle, now: now)
            } else {
                self.armIdleTimer(firstRequest: false, now: now)
            }
        }
        self.resumeReadsIfPossible()
    }

    private func sendContinue(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 25)
        buffer.writeStaticString("HTTP/1.1 100 Continue\r\n\r\n")
        context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
    }

    func armIdleTimer(firstRequest: Bool, now: NIODeadline = .now()) {
        if firstRequest {
            self.armTimer(after: self.settings.headerTimeout, expiry: .headerTimeout, now: now)
        } else {
            self.armTimer(after: self.settings.keepalive, expiry: .idle, now: now)
        }
    }
}
