import HTTPTypes
import Logging
import NIOCore
import SwiftcornApp

extension HTTPConnectionHandler {
    /// Runs the responder for the active request and writes what it returns.
    ///
    /// An ``ImmediateResponder`` that answers writes its response within this `channelRead`.
    /// Otherwise the responder runs in a task started immediately on the event loop thread, so
    /// one that never suspends still answers here: no executor hop, no second wake-up of the loop.
    func dispatch(_ request: Request, clientAddress: String, context: ChannelHandlerContext) {
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
                    generation: self.generation,
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
            generation: self.generation,
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

    /// Whether `generation` still names the active, unanswered request of an open connection.
    func isCurrent(_ generation: Int) -> Bool {
        !self.isClosed && self.context != nil && self.active?.generation == generation
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
        guard self.isCurrent(generation), let context = self.context, let active = self.active else { return nil }
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
        if self.closeWhenIdle && !(active.requestEnded && self.mayHandOver) {
            // Draining: the connection closes after this response, unless it can be passed on.
            active.keepAlive = false
        }
        let connection: ResponseHeadEncoder.ConnectionField =
            !active.keepAlive ? .close : (active.isHTTP10 ? .keepAlive : .omitted)
        active.responseStarted = true
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
        self.active?.bytesOut = inlineBody?.readableBytes ?? 0
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
        guard self.isCurrent(generation), let context = self.context else { return nil }
        if framing != .none {
            self.active?.bytesOut += part.readableBytes
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
        guard self.isCurrent(generation), let context = self.context, let active = self.active else { return }
        if failed || framing == .closeDelimited {
            active.keepAlive = false
        } else if framing == .chunked {
            var last = context.channel.allocator.buffer(capacity: 5)
            last.writeStaticString("0\r\n\r\n")
            context.write(self.wrapOutboundOut(last), promise: nil)
        }
        context.flush()
        active.responseEnded = true
        // One clock reading ends the record and starts the keep-alive wait.
        let now = NIODeadline.now()
        self.recordEnd(of: active, status: active.status, now: now)
        if failed {
            self.closeAfterWrites(context: context)
            return
        }
        if !active.requestEnded {
            // The application answered without reading the whole body. The rest is read and
            // discarded, so the client sees its response instead of a reset, then the
            // connection goes on (or closes) as usual.
            active.bodySource?.finish()
            active.bodySource = nil
            self.bodyBackpressure = false
            self.armTimer(after: self.settings.keepalive, expiry: .linger, now: now)
            self.parseReceived(context: context)
            self.resumeReadsIfPossible()
            return
        }
        self.requestCompleted(context: context, now: now)
    }

    /// Closes once everything written so far has reached the socket.
    func closeAfterWrites(context: ChannelHandlerContext) {
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(self.wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            loopBoundContext.value.close(promise: nil)
        }
    }
}
