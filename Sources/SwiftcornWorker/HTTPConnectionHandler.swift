import HTTPTypes
import Logging
import NIOCore
import SwiftcornApp
import SwiftcornLogging

/// Serves one HTTP/1.1 connection: hands each request to the ``Responder`` and writes the
/// response, in order, with keep-alive, pipelining, limits and timeouts.
///
/// The rules live in ``HTTPConnectionStateMachine``; the handler feeds it the channel's events
/// and performs the actions it returns.
///
/// Event-loop confined: every method runs on the channel's event loop. The responder runs in a
/// task that comes back to the loop (via ``NIOLoopBound``) to write.
final class HTTPConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let responder: any Responder
    /// The responder, when it can answer without a task.
    private let immediateResponder: (any ImmediateResponder)?
    let settings: HTTPServerSettings
    private let logger: Logger
    /// The connection's socket, which a retiring worker passes to its successor.
    private let descriptor: Int32
    /// Whether a retiring worker passed the connection here rather than it being accepted.
    private let wasPassed: Bool
    /// Where this connection goes when the worker retires (set by the drain).
    private var handover: ConnectionHandover?

    private var context: ChannelHandlerContext?
    private var state: HTTPConnectionStateMachine
    /// ``parseReceived(context:)`` is running: a guard of this handler's call stack, not a state
    /// of the connection.
    private var isParsing = false
    private var timer = ConnectionTimer()
    /// The client's IP address, empty for Unix sockets.
    private var remoteAddress = ""
    /// Whether the peer may name the client and the request (`forwarded_allow_ips`); a peer does
    /// not change during a connection, so this is decided once.
    private var peerIsTrusted = false

    init(
        responder: any Responder,
        settings: HTTPServerSettings,
        logger: Logger,
        descriptor: Int32,
        wasPassed: Bool = false
    ) {
        self.responder = responder
        self.immediateResponder = responder as? any ImmediateResponder
        self.settings = settings
        self.logger = logger
        self.descriptor = descriptor
        self.wasPassed = wasPassed
        self.state = HTTPConnectionStateMachine(
            headLimits: settings.headLimits,
            maxBodySize: settings.maxBodySize,
            headerTimeout: settings.headerTimeout,
            keepalive: settings.keepalive,
            wasPassed: wasPassed
        )
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive {
            self.notePeer(context)
            self.perform(self.state.connectionActive(), context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.timer.cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        self.notePeer(context)
        self.perform(self.state.connectionActive(), context: context)
        self.settings.metrics?.connectionOpened(accepted: !self.wasPassed)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.timer.cancel()
        self.settings.metrics?.connectionClosed()
        if let abandoned = self.state.connectionClosed() {
            abandoned.bodySource?.finish(ConnectionClosedError())
            if !abandoned.responseEnded {
                self.recordEnd(of: abandoned, status: nil)
            }
            self.settings.inFlight.end(abandoned.flightKey)
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.state.bytesReceived(self.unwrapInboundIn(data))
        self.parseReceived(context: context)
    }

    func read(context: ChannelHandlerContext) {
        self.perform(self.state.readRequested(), context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let drain = event as? WorkerDrainEvent {
            self.handover = drain.handover
            self.perform(self.state.drainRequested(handover: drain.handover != nil), context: context)
            // An idle connection waits for one last request: a read held back may go.
            self.perform(self.state.resumeReading(), context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Socket errors (reset by peer and the like): nothing to answer.
        context.close(promise: nil)
    }

    private func notePeer(_ context: ChannelHandlerContext) {
        self.remoteAddress = context.channel.remoteAddress?.ipAddress ?? ""
        self.peerIsTrusted = self.settings.trusts(self.remoteAddress)
    }

    // MARK: Actions

    /// Carries out what the state machine decided; `now`, if given, is the clock reading a timer
    /// starts from (read only when one is armed: most actions arm none).
    private func perform(_ action: HTTPConnectionStateMachine.Action, context: ChannelHandlerContext, now: NIODeadline? = nil) {
        switch action {
        case .none:
            break
        case .read:
            context.read()
        case .startRequest, .deliverBody:
            // Returned only for a head or body bytes, which `parseReceived` acts on itself.
            preconditionFailure("\(action) performed without its head or bytes")
        case .finishRequest(let request):
            request.bodySource?.finish()
            request.bodySource = nil
            if let appRequest = request.unansweredRequest {
                request.unansweredRequest = nil
                self.dispatch(appRequest, clientAddress: request.clientAddress, context: context)
            }
        case .discardBody(let request, let linger):
            request.bodySource?.finish()
            request.bodySource = nil
            self.armTimer(after: linger, expiry: .linger, now: now)
            self.parseReceived(context: context)
            self.perform(self.state.resumeReading(), context: context)
        case .completed(let request, let next):
            self.settings.inFlight.end(request.flightKey)
            self.settings.requestBudget?.spend()
            switch next {
            case .handOver:
                self.flushForHandOver(context: context)
            case .close:
                context.close(promise: nil)
            case .nextRequest:
                self.parseReceived(context: context)
                self.perform(self.state.awaitingNextRequest(), context: context, now: now)
                self.perform(self.state.resumeReading(), context: context)
            }
        case .refuse(let status, let abandoned):
            self.refuse(status, abandoning: abandoned, context: context)
        case .closeOverLimit(let request):
            request.bodySource?.finish(HTTPError(.contentTooLarge))
            request.bodySource = nil
            context.close(promise: nil)
        case .closeAfterWrites:
            let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(self.wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
                loopBoundContext.value.close(promise: nil)
            }
        case .close:
            context.close(promise: nil)
        case .flushForHandOver:
            self.flushForHandOver(context: context)
        case .passConnection:
            // The check, the pass and the close run in this one callback: nothing is read
            // from the socket in between.
            if let handover = self.handover, handover.pass(self.descriptor) {
                self.state.connectionPassed()
                self.timer.cancel()
                context.close(promise: nil)
            } else {
                self.handover = nil
                self.perform(self.state.handOverFailed(), context: context)
                self.perform(self.state.resumeReading(), context: context)
            }
        case .armTimer(let expiry, let timeout):
            self.armTimer(after: timeout, expiry: expiry, now: now)
        }
    }

    // MARK: Request

    /// Parses received bytes for as long as the connection may take them: up to the end of a
    /// request that still awaits its response.
    ///
    /// Not reentrant: a request answered within the loop completes and calls this again, and
    /// the loop already running goes on instead, so a read of many pipelined requests does not
    /// nest a call per request.
    private func parseReceived(context: ChannelHandlerContext) {
        guard !self.isParsing else { return }
        self.isParsing = true
        defer { self.isParsing = false }
        while let event = self.state.nextRequestEvent() {
            switch event {
            case .head(let head):
                switch self.state.headReceived(head) {
                case .startRequest(let generation, let keepAlive, let expectsContinue):
                    self.timer.disarm()
                    self.startRequest(head, generation: generation, keepAlive: keepAlive, expectsContinue: expectsContinue, context: context)
                case let action:
                    self.perform(action, context: context)
                }
            case .body(let buffer):
                switch self.state.bodyReceived(byteCount: buffer.readableBytes) {
                case .deliverBody(let request):
                    self.deliver(buffer, to: request, context: context)
                case let action:
                    self.perform(action, context: context)
                }
            case .end:
                self.perform(self.state.requestEnded(), context: context)
            case .refused(let refusal):
                self.perform(self.state.requestRefused(refusal.status), context: context)
            }
        }
    }

    private func startRequest(
        _ head: ParsedRequestHead,
        generation: Int,
        keepAlive: Bool,
        expectsContinue: Bool,
        context: ChannelHandlerContext
    ) {
        let trusted = self.peerIsTrusted
        let started = NIODeadline.now()
        let request = head.request
        let method = request.method.rawValue
        let target = request.path ?? ""
        let active = ActiveRequest(
            keepAlive: keepAlive,
            isHead: request.method == .head,
            isHTTP10: head.isHTTP10,
            generation: generation,
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
                delegate: self.makeBodyDemand(context: context, generation: generation)
            )
            active.bodySource = stream.source
            body = RequestBody(producer: stream.sequence)
            if expectsContinue {
                self.sendContinue(context: context)
            }
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
        self.state.requestStarted(active)
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

    private func deliver(_ buffer: ByteBuffer, to request: ActiveRequest, context: ChannelHandlerContext) {
        guard let source = request.bodySource else { return }
        switch source.yield(buffer) {
        case .produceMore:
            break
        case .stopProducing:
            self.state.bodyConsumerFull()
        case .dropped:
            self.perform(self.state.bodyConsumerGone(generation: request.generation), context: context)
        }
    }

    /// Callbacks from the body's consumer, which may run on any thread, brought back to the loop.
    private func makeBodyDemand(context: ChannelHandlerContext, generation: Int) -> RequestBodyDemand {
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        return RequestBodyDemand(
            onProduceMore: {
                loop.execute { handler.value.bodyDemandChanged(generation: generation, consumerGone: false) }
            },
            onTermination: {
                loop.execute { handler.value.bodyDemandChanged(generation: generation, consumerGone: true) }
            }
        )
    }

    private func bodyDemandChanged(generation: Int, consumerGone: Bool) {
        guard let context = self.context else { return }
        let action =
            consumerGone
            ? self.state.bodyConsumerGone(generation: generation) : self.state.bodyConsumerResumed(generation: generation)
        self.perform(action, context: context)
    }

    private func sendContinue(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 25)
        buffer.writeStaticString("HTTP/1.1 100 Continue\r\n\r\n")
        context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
    }

    /// Answers `status` and half-closes: used for requests the server refuses before the
    /// application sees them.
    private func refuse(_ status: HTTPResponse.Status, abandoning abandoned: ActiveRequest?, context: ChannelHandlerContext) {
        self.timer.cancel()
        let response = ResponseHeadEncoder.errorResponse(status, date: HTTPDateCache.current.value, allocator: context.channel.allocator)
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(self.wrapOutboundOut(response)).whenComplete { _ in
            loopBoundContext.value.close(mode: .output, promise: nil)
        }
        // Unread bytes in the socket would turn the close into a reset that can destroy the
        // response before the client reads it; half-close and let the client close.
        if let abandoned {
            abandoned.bodySource?.finish(HTTPError(status))
            abandoned.bodySource = nil
            // A request refused after it reached the app (a body over the limit, a broken chunk)
            // ends here: measured and logged like any other, with the refusal as its status.
            if !abandoned.responseEnded {
                self.recordEnd(of: abandoned, status: abandoned.responseStarted ? nil : Int(status.code))
            }
            self.settings.inFlight.end(abandoned.flightKey)
        }
        self.armTimer(after: HTTPConnectionStateMachine.refusalLinger, expiry: .linger)
    }

    /// A trusted peer's `X-Request-ID` when it is a sane token, else a fresh id.
    private static func requestID(_ incoming: String?, trusted: Bool, generator: RequestIDGenerator) -> String {
        if trusted, let incoming, (1...128).contains(incoming.utf8.count),
            incoming.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        {
            return incoming
        }
        return generator.next()
    }

    /// The client a trusted proxy names first in `X-Forwarded-For`.
    private static func forwardedClient(_ forwarded: String?) -> String? {
        guard let forwarded else { return nil }
        guard var first = forwarded.split(separator: ",", maxSplits: 1).first else { return nil }
        while first.first == " " { first.removeFirst() }
        while first.last == " " { first.removeLast() }
        return first.isEmpty ? nil : String(first)
    }

    // MARK: Response

    /// Runs the responder for the active request and writes what it returns.
    ///
    /// An ``ImmediateResponder`` that answers writes its response within this `channelRead`.
    /// Otherwise the responder runs in a task started immediately on the event loop thread, so
    /// one that never suspends still answers here: no executor hop, no second wake-up of the loop.
    private func dispatch(_ request: Request, clientAddress: String, context: ChannelHandlerContext) {
        let generation = self.state.generation
        let requestContext = RequestContext(
            logger: self.logger,
            workerIndex: self.settings.workerIndex,
            remoteAddress: clientAddress,
            allocator: context.channel.allocator,
            eventLoop: context.eventLoop
        )
        self.settings.hooks.preRequest?(request, requestContext)
        if let immediateResponder = self.immediateResponder {
            let response: Response?
            do {
                response = try immediateResponder.respondImmediately(to: request, context: requestContext)
            } catch {
                response = Self.response(for: error, from: request, logger: self.logger)
            }
            if let response {
                ResponseWriting.writeFromLoop(
                    response,
                    route: requestContext.route,
                    to: self,
                    on: context.eventLoop,
                    generation: generation,
                    logger: self.logger
                )
                return
            }
        }
        ResponderTask.start(
            request: request,
            context: requestContext,
            responder: self.responder,
            handler: NIOLoopBound(self, eventLoop: context.eventLoop),
            generation: generation,
            logger: self.logger
        )
    }

    /// The response for an error a responder threw: its status for ``HTTPError``, otherwise 500
    /// and an error record.
    static func response(for error: any Error, from request: Request, logger: Logger) -> Response {
        if let error = error as? HTTPError {
            return Self.response(for: error)
        }
        logger.error(
            "responder failed",
            metadata: ["error": "\(error)", "path": "\(request.path)", "method": "\(request.method)"]
        )
        return Self.response(for: HTTPError(.internalServerError))
    }

    static func response(for error: HTTPError) -> Response {
        let text = error.message ?? "\(error.status.code) \(error.status.reasonPhraseOrStandard)\n"
        var fields = HTTPFields()
        fields[.contentType] = "text/plain; charset=utf-8"
        return Response(status: error.status, headerFields: fields, body: ResponseBody(string: text))
    }

    /// Writes the response head; returns the framing of the body that follows, or `nil` when the
    /// request is no longer current.
    func writeHead(
        _ head: HTTPResponse,
        bodyLength: Int?,
        completeBody: ByteBuffer?,
        route: String?,
        generation: Int
    ) -> ResponseHeadEncoder.Framing? {
        guard let context = self.context, let active = self.state.responseStarts(generation: generation) else { return nil }
        let framing: ResponseHeadEncoder.Framing
        if !ResponseHeadEncoder.statusAllowsBody(head.status) {
            framing = .none
        } else if let bodyLength {
            framing = .length(bodyLength)
        } else if active.isHead {
            framing = .none
        } else if active.isHTTP10 {
            framing = .closeDelimited
            active.keepAlive = false
        } else {
            framing = .chunked
        }
        let connection: ResponseHeadEncoder.ConnectionField =
            !active.keepAlive ? .close : (active.isHTTP10 ? .keepAlive : .omitted)
        active.status = head.status.code
        active.route = route

        let sendsBody = !active.isHead && framing != .none
        let inlineBody = sendsBody ? completeBody : nil
        var buffer = context.channel.allocator.buffer(capacity: 256 + min(inlineBody?.readableBytes ?? 0, 16_384))
        ResponseHeadEncoder.write(
            head,
            framing: framing,
            connection: connection,
            date: HTTPDateCache.current.value,
            requestID: active.requestID,
            into: &buffer
        )
        active.bytesOut = inlineBody?.readableBytes ?? 0
        if var inlineBody, inlineBody.readableBytes <= 16_384 {
            buffer.writeBuffer(&inlineBody)
            context.write(self.wrapOutboundOut(buffer), promise: nil)
        } else {
            context.write(self.wrapOutboundOut(buffer), promise: nil)
            if let inlineBody {
                context.write(self.wrapOutboundOut(inlineBody), promise: nil)
            }
        }
        return sendsBody ? framing : ResponseHeadEncoder.Framing.none
    }

    /// Writes one piece of a streamed body; the future completes when the socket took it.
    func writeBodyPart(_ part: ByteBuffer, framing: ResponseHeadEncoder.Framing, generation: Int) -> EventLoopFuture<Void>? {
        guard let context = self.context, let active = self.state.currentRequest(generation: generation) else { return nil }
        if framing != .none {
            active.bytesOut += part.readableBytes
        }
        switch framing {
        case .none:
            return context.eventLoop.makeSucceededVoidFuture()
        case .chunked:
            guard part.readableBytes > 0 else { return context.eventLoop.makeSucceededVoidFuture() }
            var header = context.channel.allocator.buffer(capacity: 18)
            header.writeString(String(part.readableBytes, radix: 16))
            header.writeStaticString("\r\n")
            context.write(self.wrapOutboundOut(header), promise: nil)
            context.write(self.wrapOutboundOut(part), promise: nil)
            var trailer = context.channel.allocator.buffer(capacity: 2)
            trailer.writeStaticString("\r\n")
            return context.writeAndFlush(self.wrapOutboundOut(trailer))
        case .length, .closeDelimited:
            return context.writeAndFlush(self.wrapOutboundOut(part))
        }
    }

    /// Ends the response; `failed` means the body was cut short and the connection must close.
    func endResponse(framing: ResponseHeadEncoder.Framing, failed: Bool, generation: Int) {
        guard let context = self.context, let active = self.state.currentRequest(generation: generation) else { return }
        if framing == .closeDelimited {
            active.keepAlive = false
        } else if framing == .chunked && !failed {
            var last = context.channel.allocator.buffer(capacity: 5)
            last.writeStaticString("0\r\n\r\n")
            context.write(self.wrapOutboundOut(last), promise: nil)
        }
        context.flush()
        // One clock reading ends the record and starts the keep-alive wait.
        let now = NIODeadline.now()
        let action = self.state.responseEnded(generation: generation, failed: failed)
        self.recordEnd(of: active, status: active.status, now: now)
        self.perform(action, context: context, now: now)
    }

    // MARK: Drain and handover

    /// Flushes what was written, then passes the connection on if it still may be: if by then a
    /// next request has begun, or it cannot be passed, the connection drains as any other.
    private func flushForHandOver(context: ChannelHandlerContext) {
        let flushed = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(self.wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: flushed)
        flushed.futureResult.assumeIsolated().whenComplete { result in
            guard let context = self.context else { return }
            let success = if case .success = result { true } else { false }
            self.perform(self.state.handOverFlushed(success: success), context: context)
            // A failed handover drains like an idle connection: a read held while the flush ran
            // may go, or the rest of a next request that began meanwhile is never read.
            self.perform(self.state.resumeReading(), context: context)
        }
    }

    // MARK: Timer

    /// Arms the connection's timer for `timeout` after `now` (the clock's reading if `nil`); the
    /// scheduled task holds the handler until it runs or ``ConnectionTimer/cancel()`` drops it
    /// in `handlerRemoved`.
    private func armTimer(after timeout: TimeAmount, expiry: ConnectionTimer.Expiry, now: NIODeadline? = nil) {
        guard let context = self.context else { return }
        if let deadline = self.timer.arm(deadline: (now ?? .now()) + timeout, expiry: expiry) {
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
        } else if let expired {
            self.perform(self.state.timerExpired(expired), context: context)
        }
    }
}

/// Sent to every connection when the worker stops: finish the active request, then close, or
/// pass the connection to `handover`'s worker.
struct WorkerDrainEvent: Sendable {
    /// The worker that takes keep-alive connections, if there is one.
    var handover: ConnectionHandover?
}

/// The client closed the connection before the request body was complete.
struct ConnectionClosedError: Error {}
