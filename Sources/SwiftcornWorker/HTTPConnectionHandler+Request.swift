import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import SwiftcornHTTP
import SwiftcornLogging

extension HTTPConnectionHandler {
    /// Handles a part of the active request, or the head of a new one.
    func process(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            self.receiveHead(head, context: context)
        case .body(let buffer):
            self.receiveBody(buffer, context: context)
        case .end:
            self.receiveEnd(context: context)
        }
    }

    private func receiveHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        self.timer.disarm()
        guard self.active == nil, !self.refused else {
            // After a refusal the connection only waits for the client to close it.
            context.close(promise: nil)
            return
        }
        let scan = RequestHeadScan(head, settings: self.settings)
        guard let request = scan.request else {
            self.refuse(scan.refusal ?? .badRequest, context: context)
            return
        }
        let contentLength = scan.contentLength
        let isChunked = scan.isChunked
        if let contentLength, contentLength > self.settings.maxBodySize {
            self.refuse(.contentTooLarge, context: context)
            return
        }
        var expectsContinue = false
        if let expectation = scan.expectation {
            guard expectation.lowercased() == "100-continue" else {
                self.refuse(.expectationFailed, context: context)
                return
            }
            expectsContinue = head.version.minor >= 1
        }
        self.generation &+= 1
        let trusted = self.peerIsTrusted
        let started = NIODeadline.now()
        let active = ActiveRequest(
            keepAlive: head.isKeepAlive && !self.closeWhenIdle,
            isHead: head.method == .HEAD,
            isHTTP10: head.version.minor == 0,
            expectsContinue: expectsContinue,
            generation: self.generation,
            head: head,
            requestID: Self.requestID(scan.requestID, trusted: trusted, generator: self.settings.requestIDs),
            clientAddress: trusted ? Self.forwardedClient(scan.forwardedFor) ?? self.remoteAddress : self.remoteAddress,
            started: started
        )
        var body = RequestBody.empty
        if isChunked || (contentLength ?? 0) > 0 {
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
            method: head.method.rawValue,
            target: head.uri,
            requestID: active.requestID,
            started: started
        )
        self.settings.metrics?.requestStarted(method: head.method.rawValue)
        active.userAgent = scan.userAgent
        active.referer = scan.referer
        active.host = scan.host
        self.active = active
        let appRequest = Request(head: request, body: body)
        if active.bodySource == nil {
            // No body: the decoder hands on the request's end within this same read. Answering
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
        if !active.keepAlive || self.closeWhenIdle {
            context.close(promise: nil)
            return
        }
        self.processQueuedParts(context: context)
        if self.active == nil && self.queued.isEmpty {
            self.armIdleTimer(firstRequest: false, now: now)
        }
        self.resumeReadsIfPossible()
    }

    /// Feeds queued parts of pipelined requests until one needs its response before going on.
    func processQueuedParts(context: ChannelHandlerContext) {
        while !self.queued.isEmpty, self.active?.requestEnded != true, !self.isClosed {
            self.process(self.queued.removeFirst(), context: context)
        }
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
