import HTTPTypes
import Logging
import NIOCore
import SwiftcornApp

/// Serves one HTTP/1.1 connection: hands each request to the ``Responder`` and writes the
/// response, in order, with keep-alive, pipelining, limits and timeouts.
///
/// One request is active at a time. Bytes of pipelined requests that arrive meanwhile wait
/// unparsed in the ``RequestParser`` and reading stops until the active response is complete,
/// which bounds memory and keeps responses in request order.
///
/// Event-loop confined: every method runs on the channel's event loop. The responder runs in a
/// task that comes back to the loop (via ``NIOLoopBound``) to write.
final class HTTPConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let responder: any Responder
    /// The responder, when it can answer without a task.
    let immediateResponder: (any ImmediateResponder)?
    let settings: HTTPServerSettings
    let logger: Logger
    /// The connection's socket, which a retiring worker passes to its successor.
    let descriptor: Int32
    /// Whether a retiring worker passed the connection here rather than it being accepted.
    let wasPassed: Bool
    /// Where this connection goes when the worker retires (set by the drain).
    var handover: ConnectionHandover?

    var context: ChannelHandlerContext?
    var active: ActiveRequest?
    /// Received bytes not yet parsed: the rest of the active request, or pipelined ones.
    var parser: RequestParser
    /// ``parseReceived(context:)`` is running.
    var isParsing = false
    /// A `read` was held back while reads are paused.
    var heldRead = false
    /// The body consumer asked to stop producing.
    var bodyBackpressure = false
    /// No new request is served: the worker is draining, or the connection is broken.
    var closeWhenIdle = false
    /// A refusal was sent; nothing more is served on this connection.
    var refused = false
    var isClosed = false
    /// Bumped per request, so a late task cannot write into a later request's response.
    var generation = 0
    var timer: ConnectionTimer
    /// The client's IP address, empty for Unix sockets.
    var remoteAddress = ""
    /// Whether the peer may name the client and the request (`forwarded_allow_ips`); a peer does
    /// not change during a connection, so this is decided once.
    var peerIsTrusted = false

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
        self.parser = RequestParser(limits: settings.headLimits)
        self.descriptor = descriptor
        self.wasPassed = wasPassed
        self.timer = ConnectionTimer()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive {
            self.notePeer(context)
            // A passed connection is between two requests of a kept-alive connection.
            self.armIdleTimer(firstRequest: !self.wasPassed)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.timer.cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        self.notePeer(context)
        self.armIdleTimer(firstRequest: !self.wasPassed)
        self.settings.metrics?.connectionOpened(accepted: !self.wasPassed)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.isClosed = true
        self.timer.cancel()
        self.settings.metrics?.connectionClosed()
        if let active = self.active {
            active.bodySource?.finish(ConnectionClosedError())
            if !active.responseEnded {
                self.recordEnd(of: active, status: nil)
            }
            self.settings.inFlight.end(active.flightKey)
            self.active = nil
        }
        self.parser.stop()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.parser.append(self.unwrapInboundIn(data))
        self.parseReceived(context: context)
    }

    func read(context: ChannelHandlerContext) {
        if self.readsPaused {
            self.heldRead = true
        } else {
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let drain = event as? WorkerDrainEvent {
            self.drain(drain, context: context)
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

    /// Reads stay paused while a complete request awaits its response or the body consumer is
    /// full: pipelined requests wait in the socket, not in memory.
    var readsPaused: Bool {
        self.bodyBackpressure || self.active?.requestEnded == true
    }

    func resumeReadsIfPossible() {
        guard self.heldRead, !self.readsPaused, let context = self.context else { return }
        self.heldRead = false
        context.read()
    }
}

/// The client closed the connection before the request body was complete.
struct ConnectionClosedError: Error {}
