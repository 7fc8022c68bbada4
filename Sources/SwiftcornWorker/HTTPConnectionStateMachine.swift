import HTTPTypes
import NIOCore
import SwiftcornApp

/// The life of one HTTP/1.1 connection, as a state machine.
///
/// It performs nothing itself: each event returns the ``Action`` the ``HTTPConnectionHandler``
/// must carry out (read, serve a request, arm the timer, refuse, close, pass the connection on),
/// which keeps every rule of a connection's life testable without channels.
///
/// It owns the ``RequestParser`` the handler pulls request events from: whether the connection
/// may parse, and whether it holds any byte of a next request, decide reads and handovers.
///
/// One request is served at a time. Bytes of pipelined requests wait unparsed in the parser, and
/// reads are held while a complete request awaits its response, which bounds memory and keeps
/// responses in request order.
///
/// The payloads are ``ActiveRequest`` references, changed through the reference: no payload is
/// ever copied on write, so no `.modifying` placeholder is needed, and the state adds no
/// allocation of its own.
struct HTTPConnectionStateMachine {
    enum State {
        /// Waiting for a request's head: the connection's first, or the next of a kept-alive one.
        case idle
        /// The head was parsed and the body is arriving (a request without one passes through
        /// here until its end, within the same read); the response may have begun.
        /// `consumerFull`: the application's body consumer asked to stop, so reads are held.
        case receiving(ActiveRequest, consumerFull: Bool)
        /// The request is complete and awaits (the rest of) its response. Reads are held: pipelined
        /// requests wait in the socket, not in memory.
        case responding(ActiveRequest)
        /// The response is complete before the request: the rest of the body is read and dropped.
        case discarding(ActiveRequest)
        /// Between requests of a draining worker: what was written is being flushed before the
        /// socket passes to the successor. Reads are held.
        case handingOver
        /// A refusal was answered: nothing more is served; the client is given time to close.
        case refused
        /// This side closes the connection; the request, if any, is abandoned when the channel
        /// goes inactive.
        case closing(ActiveRequest?)
        /// The channel went inactive.
        case closed
    }

    /// Where a draining connection goes once idle.
    enum Drain: Equatable {
        /// The worker serves on.
        case notDraining
        /// Close: a last request that arrives soon is served with `Connection: close`.
        case close
        /// Pass the connection to the worker that replaces this one.
        case handOver
    }

    /// What the handler does after an event.
    enum Action: Equatable {
        case none
        /// Read from the socket: a read that was held may go.
        case read
        /// Serve a new request, number `generation`: build its ``ActiveRequest`` and report it
        /// with ``requestStarted(_:)``. The head came in time: disarm the timer.
        case startRequest(generation: Int, keepAlive: Bool, expectsContinue: Bool)
        /// Yield the received body bytes to the request's consumer.
        case deliverBody(ActiveRequest)
        /// The request is read: finish its body and answer it if it still waits to be.
        case finishRequest(ActiveRequest)
        /// The response ended before the request: finish the body's consumer, arm the timer
        /// (``ConnectionTimer/Expiry/linger`` for `after`), parse on and resume reads; the rest
        /// of the body is dropped.
        case discardBody(ActiveRequest, after: TimeAmount)
        /// Request and response are complete: end the request's accounting, then `next`.
        case completed(ActiveRequest, next: Next)
        /// Answer `status` and half-close; `abandoned`, if any, ends with the refusal. Arm the
        /// timer (``ConnectionTimer/Expiry/linger``) for ``refusalLinger``.
        case refuse(HTTPResponse.Status, abandoned: ActiveRequest?)
        /// The body exceeds the limit after the response began: fail the body with 413, close.
        case closeOverLimit(ActiveRequest)
        /// The response was cut short: close once what was written is flushed.
        case closeAfterWrites
        case close
        /// Flush what was written, then report ``handOverFlushed(success:)``.
        case flushForHandOver
        /// Pass the socket to the successor now, then report ``connectionPassed()`` or
        /// ``handOverFailed()``.
        case passConnection
        /// Arm the connection's timer.
        case armTimer(ConnectionTimer.Expiry, after: TimeAmount)
    }

    /// What follows a completed request.
    enum Next: Equatable {
        /// Flush, then pass the connection on: ``Action/flushForHandOver``.
        case handOver
        case close
        /// Parse what was received, then report ``awaitingNextRequest()`` and ``resumeReading()``.
        case nextRequest
    }

    /// How long an idle connection of a draining worker waits for one last request.
    static let drainIdleGrace: TimeAmount = .milliseconds(500)
    /// How long a refused connection waits for the client to close it.
    static let refusalLinger: TimeAmount = .seconds(2)

    private var state = State.idle
    /// Received bytes not yet parsed: the rest of the active request, or pipelined ones.
    private var parser: RequestParser
    private var drain = Drain.notDraining
    /// A `read` was held back while reads are paused.
    private var readHeld = false
    /// Bumped per request, so a late task cannot write into a later request's response.
    private(set) var generation = 0
    private let maxBodySize: Int
    private let headerTimeout: TimeAmount
    private let keepalive: TimeAmount
    /// Whether a retiring worker passed the connection here rather than it being accepted.
    private let wasPassed: Bool

    init(headLimits: RequestHeadLimits, maxBodySize: Int, headerTimeout: TimeAmount, keepalive: TimeAmount, wasPassed: Bool) {
        self.parser = RequestParser(limits: headLimits)
        self.maxBodySize = maxBodySize
        self.headerTimeout = headerTimeout
        self.keepalive = keepalive
        self.wasPassed = wasPassed
    }

    // MARK: Connection and reads

    /// The connection is open: the first head has `headerTimeout`; a passed connection is
    /// between two requests of a kept-alive connection.
    func connectionActive() -> Action {
        self.wasPassed ? .armTimer(.idle, after: self.keepalive) : .armTimer(.headerTimeout, after: self.headerTimeout)
    }

    /// The channel wants to read: now, or held while reads are paused.
    mutating func readRequested() -> Action {
        if self.readsPaused {
            self.readHeld = true
            return .none
        }
        return .read
    }

    /// A held read, once reads are no longer paused.
    mutating func resumeReading() -> Action {
        guard self.readHeld, !self.readsPaused else { return .none }
        self.readHeld = false
        return .read
    }

    /// Reads stay paused while a complete request awaits its response, the body consumer is
    /// full, or the connection is being passed on.
    private var readsPaused: Bool {
        switch self.state {
        case .receiving(_, consumerFull: true), .responding, .handingOver: true
        case .idle, .receiving, .discarding, .refused, .closing, .closed: false
        }
    }

    /// The channel went inactive; returns the request it abandons, if any: its body fails, it
    /// is recorded (as 499) unless its response ended, and it leaves the in-flight table.
    mutating func connectionClosed() -> ActiveRequest? {
        let abandoned: ActiveRequest?
        switch self.state {
        case .receiving(let request, _), .responding(let request), .discarding(let request):
            abandoned = request
        case .closing(let request):
            abandoned = request
        case .idle, .handingOver, .refused, .closed:
            abandoned = nil
        }
        self.state = .closed
        self.parser.stop()
        return abandoned
    }

    // MARK: Request

    /// Bytes read from the socket.
    mutating func bytesReceived(_ bytes: ByteBuffer) {
        self.parser.append(bytes)
    }

    /// The next request event to act on; `nil` when there is none yet or the connection takes
    /// none: a request awaits its response, or the connection is ending.
    mutating func nextRequestEvent() -> RequestParser.Event? {
        switch self.state {
        case .idle, .receiving, .discarding, .handingOver:
            return self.parser.next()
        case .responding, .refused, .closing, .closed:
            return nil
        }
    }

    /// A request head was parsed.
    mutating func headReceived(_ head: ParsedRequestHead) -> Action {
        switch self.state {
        case .idle, .handingOver:
            break
        case .receiving, .responding, .discarding, .refused, .closing, .closed:
            // The parser gives no head before the previous request's end; after a refusal
            // the connection only waits for the client to close it.
            self.state = .closing(self.state.request)
            return .close
        }
        if case .length(let length) = head.framing, length > self.maxBodySize {
            return self.refuse(.contentTooLarge)
        }
        var expectsContinue = false
        if let expectation = head.expectation {
            guard expectation.lowercased() == "100-continue" else { return self.refuse(.expectationFailed) }
            expectsContinue = !head.isHTTP10 && head.framing != .none
        }
        self.generation &+= 1
        return .startRequest(
            generation: self.generation,
            keepAlive: head.keepAlive && self.drain == .notDraining,
            expectsContinue: expectsContinue
        )
    }

    /// The handler built the request ``Action/startRequest(generation:keepAlive:expectsContinue:)`` asked for.
    mutating func requestStarted(_ request: ActiveRequest) {
        self.state = .receiving(request, consumerFull: false)
    }

    /// Body bytes were parsed.
    mutating func bodyReceived(byteCount: Int) -> Action {
        let request: ActiveRequest
        switch self.state {
        case .receiving(let receiving, _), .discarding(let receiving):
            request = receiving
        case .idle, .responding, .handingOver, .refused, .closing, .closed:
            return .none
        }
        request.bodyBytes += byteCount
        if request.bodyBytes > self.maxBodySize {
            // Chunked bodies have no declared length: the limit can only be seen here.
            request.keepAlive = false
            if !request.responseStarted {
                return self.refuse(.contentTooLarge)
            }
            self.state = .closing(request)
            return .closeOverLimit(request)
        }
        guard case .receiving = self.state, request.bodySource != nil else { return .none }
        return .deliverBody(request)
    }

    /// The body consumer asked to stop producing: reads are held until it resumes.
    mutating func bodyConsumerFull() {
        guard case .receiving(let request, _) = self.state else { return }
        self.state = .receiving(request, consumerFull: true)
    }

    /// The body consumer of request `generation` wants more.
    mutating func bodyConsumerResumed(generation: Int) -> Action {
        guard case .receiving(let request, _) = self.state, request.generation == generation else { return .none }
        self.state = .receiving(request, consumerFull: false)
        return self.resumeReading()
    }

    /// The application dropped the body of request `generation` before its end: what still
    /// arrives is discarded.
    mutating func bodyConsumerGone(generation: Int) -> Action {
        guard case .receiving(let request, _) = self.state, request.generation == generation else { return .none }
        request.bodySource = nil
        self.state = .receiving(request, consumerFull: false)
        return self.resumeReading()
    }

    /// The request's end was parsed.
    mutating func requestEnded() -> Action {
        switch self.state {
        case .receiving(let request, _):
            self.state = .responding(request)
            return .finishRequest(request)
        case .discarding(let request):
            return self.complete(request)
        case .idle, .responding, .handingOver, .refused, .closing, .closed:
            return .none
        }
    }

    /// The parser refused the bytes (`status`): answered, unless a response already began.
    mutating func requestRefused(_ status: HTTPResponse.Status) -> Action {
        if let request = self.state.request, request.responseStarted {
            self.state = .closing(request)
            return .close
        }
        return self.refuse(status)
    }

    /// Answers `status` and serves nothing more: the active request, if any, is abandoned.
    private mutating func refuse(_ status: HTTPResponse.Status) -> Action {
        let abandoned: ActiveRequest?
        switch self.state {
        case .receiving(let request, _), .responding(let request), .discarding(let request):
            abandoned = request
        case .idle, .handingOver, .refused, .closing, .closed:
            abandoned = nil
        }
        self.state = .refused
        self.parser.stop()
        return .refuse(status, abandoned: abandoned)
    }

    // MARK: Response

    /// The request `generation` names, while its response may be written; `nil` for a late
    /// write from an earlier request's task, or once the connection is ending.
    func currentRequest(generation: Int) -> ActiveRequest? {
        switch self.state {
        case .receiving(let request, _) where request.generation == generation,
            .responding(let request) where request.generation == generation:
            return request
        default:
            return nil
        }
    }

    /// The response head of request `generation` is about to be written; `nil` when the request
    /// is not current. A draining connection closes after this response unless it can be passed on.
    mutating func responseStarts(generation: Int) -> ActiveRequest? {
        guard let request = self.currentRequest(generation: generation) else { return nil }
        if self.drain != .notDraining {
            let requestIsRead = if case .responding = self.state { true } else { false }
            if !(requestIsRead && self.mayHandOver) {
                request.keepAlive = false
            }
        }
        request.responseStarted = true
        return request
    }

    /// The response of request `generation` was written to its end; `failed`: it was cut short.
    mutating func responseEnded(generation: Int, failed: Bool) -> Action {
        guard let request = self.currentRequest(generation: generation) else { return .none }
        request.responseEnded = true
        if failed {
            request.keepAlive = false
            self.state = .closing(request)
            return .closeAfterWrites
        }
        if case .receiving = self.state {
            // The application answered without reading the whole body. The rest is read and
            // discarded, so the client sees its response instead of a reset, then the
            // connection goes on (or closes) as usual.
            self.state = .discarding(request)
            return .discardBody(request, after: self.keepalive)
        }
        return self.complete(request)
    }

    /// Request and response are complete: the connection passes on, closes, or awaits the next.
    private mutating func complete(_ request: ActiveRequest) -> Action {
        if request.keepAlive && self.drain == .handOver && self.parser.isAtMessageBoundary {
            self.state = .handingOver
            return .completed(request, next: .handOver)
        }
        // A draining connection closes once it holds nothing of a next request: one already
        // received, even in part, is served (with `Connection: close`) rather than lost.
        if !request.keepAlive || (self.drain != .notDraining && self.parser.isAtMessageBoundary) {
            self.state = .closing(nil)
            return .completed(request, next: .close)
        }
        self.state = .idle
        return .completed(request, next: .nextRequest)
    }

    /// What was received is parsed; if no request began, the timer waits for the next one.
    func awaitingNextRequest() -> Action {
        guard case .idle = self.state else { return .none }
        return .armTimer(.idle, after: self.drain == .notDraining ? self.keepalive : Self.drainIdleGrace)
    }

    // MARK: Drain and handover

    /// The worker stops; `handover`: a successor takes keep-alive connections. An idle
    /// connection is passed on or given its grace period now; a busy one when its request completes.
    mutating func drainRequested(handover: Bool) -> Action {
        switch self.state {
        case .idle:
            self.drain = handover ? .handOver : .close
            if self.mayHandOver {
                self.state = .handingOver
                return .flushForHandOver
            }
            return self.awaitLastRequest()
        case .receiving, .responding, .discarding:
            self.drain = handover ? .handOver : .close
            return .none
        case .refused:
            // Nothing more is served: the grace period replaces the refusal's longer linger.
            self.drain = .close
            return self.awaitLastRequest()
        case .handingOver, .closing, .closed:
            if self.drain == .notDraining { self.drain = .close }
            return .none
        }
    }

    /// Whether the connection could pass to the successor now: one takes it, and nothing of a
    /// next request has been read or decoded.
    private var mayHandOver: Bool {
        self.drain == .handOver && self.parser.isAtMessageBoundary
    }

    /// Closing an idle keep-alive connection at once races the client's next request, which
    /// then fails. A request that comes soon is served with `Connection: close`; a connection
    /// still idle after the grace period is closed. The handler then reports ``resumeReading()``.
    private func awaitLastRequest() -> Action {
        .armTimer(.idle, after: Self.drainIdleGrace)
    }

    /// What was written before a handover was flushed (or failed to be).
    mutating func handOverFlushed(success: Bool) -> Action {
        // A request that began meanwhile is served, and drains as any other.
        guard case .handingOver = self.state else { return .none }
        if success && self.mayHandOver {
            return .passConnection
        }
        return self.handOverFailed()
    }

    /// The successor took the socket: this side closes.
    mutating func connectionPassed() {
        self.state = .closing(nil)
    }

    /// The connection cannot be passed on: it drains like any idle one. The handler then
    /// reports ``resumeReading()``.
    mutating func handOverFailed() -> Action {
        self.state = .idle
        self.drain = .close
        return self.awaitLastRequest()
    }

    // MARK: Timer

    /// The connection's timer expired.
    mutating func timerExpired(_ expiry: ConnectionTimer.Expiry) -> Action {
        switch (expiry, self.state) {
        case (_, .closed):
            return .none
        case (.headerTimeout, .idle):
            // A client that opened a connection and never completed a head: slow-loris or idle.
            return self.refuse(.requestTimeout)
        case (.idle, .idle), (.idle, .handingOver), (.idle, .refused), (.linger, _):
            self.state = .closing(self.state.request)
            return .close
        case (.headerTimeout, _), (.idle, _):
            // A request began since: its own deadlines apply.
            return .none
        }
    }
}

extension HTTPConnectionStateMachine.State {
    /// The request the connection holds, if any.
    var request: ActiveRequest? {
        switch self {
        case .receiving(let request, _), .responding(let request), .discarding(let request):
            request
        case .closing(let request):
            request
        case .idle, .handingOver, .refused, .closed:
            nil
        }
    }
}

/// What a connection knows about the request it is serving.
///
/// A class: the handler updates it at every step of a request, and copying a struct of this
/// size in and out of the connection's state cost more than the request's own work (measured).
/// Event-loop confined, like its handler.
final class ActiveRequest {
    /// Feeds the body to the application; `nil` when there is no body or the application stopped reading.
    var bodySource: RequestBody.Producer.Source?
    /// A request without a body, held from its head until its end to be answered.
    var unansweredRequest: Request?
    /// Whether the response head has been written.
    var responseStarted = false
    /// Whether the whole response has been written.
    var responseEnded = false
    /// Body bytes received so far.
    var bodyBytes = 0
    /// The client and the server agree to keep the connection open afterwards.
    var keepAlive: Bool
    /// A HEAD request: the response carries no body.
    let isHead: Bool
    /// HTTP/1.0 clients cannot receive chunked bodies.
    let isHTTP10: Bool
    /// Matches ``HTTPConnectionStateMachine/generation`` while this request is current.
    let generation: Int
    /// The request method, for the access record.
    let method: String
    /// The request target as received, for the access record.
    let target: String
    /// The id echoed in `X-Request-ID` and logged.
    let requestID: String
    /// The client: the peer, or the first `X-Forwarded-For` address of a trusted peer.
    let clientAddress: String
    /// When the head was decoded (monotonic): the start of the record's duration.
    let started: NIODeadline
    /// The response status, once the head is written.
    var status = 0
    /// Response body bytes written.
    var bytesOut = 0
    /// The route template the application set.
    var route: String?
    /// Key in the worker's ``InFlightRequests``.
    var flightKey: UInt64 = 0
    /// Header values the access record needs, picked up by the head scan.
    var userAgent = ""
    var referer = ""
    var host = ""

    init(
        keepAlive: Bool,
        isHead: Bool,
        isHTTP10: Bool,
        generation: Int,
        method: String,
        target: String,
        requestID: String,
        clientAddress: String,
        started: NIODeadline
    ) {
        self.keepAlive = keepAlive
        self.isHead = isHead
        self.isHTTP10 = isHTTP10
        self.generation = generation
        self.method = method
        self.target = target
        self.requestID = requestID
        self.clientAddress = clientAddress
        self.started = started
    }
}

extension ActiveRequest: Equatable {
    /// The same request: identity, as each is one request's life.
    static func == (lhs: ActiveRequest, rhs: ActiveRequest) -> Bool {
        lhs === rhs
    }
}
