import HTTPTypes
import NIOCore
import SwiftcornApp
import Testing

@testable import SwiftcornWorker

/// The life of a connection, event by event, without a channel: what the state machine tells
/// the handler to do.
@Suite("HTTPConnectionStateMachine: a connection's life as actions")
struct HTTPConnectionStateMachineTests {
    typealias Action = HTTPConnectionStateMachine.Action

    static let maxBodySize = 16
    static let headerTimeout: TimeAmount = .seconds(3)
    static let keepalive: TimeAmount = .seconds(5)

    /// Plays the handler's part: parses as it does, builds the requests the machine starts and
    /// records every action, in order.
    struct Connection {
        var machine: HTTPConnectionStateMachine
        /// The requests started, in order.
        var requests: [ActiveRequest] = []
        var actions: [Action] = []
        private var isParsing = false

        init(wasPassed: Bool = false) {
            self.machine = HTTPConnectionStateMachine(
                headLimits: RequestHeadLimits(requestLine: 100, fields: 4, fieldSize: 60),
                maxBodySize: HTTPConnectionStateMachineTests.maxBodySize,
                headerTimeout: HTTPConnectionStateMachineTests.headerTimeout,
                keepalive: HTTPConnectionStateMachineTests.keepalive,
                wasPassed: wasPassed
            )
        }

        /// Bytes arrive; returns the actions they lead to.
        mutating func receive(_ text: String) -> [Action] {
            self.actions = []
            self.machine.bytesReceived(ByteBuffer(string: text))
            self.parse()
            return self.actions
        }

        /// The handler's parse loop, not reentrant like the handler's: a request completed within
        /// it lets the running loop go on.
        private mutating func parse() {
            guard !self.isParsing else { return }
            self.isParsing = true
            defer { self.isParsing = false }
            while let event = self.machine.nextRequestEvent() {
                switch event {
                case .head(let head):
                    let action = self.machine.headReceived(head)
                    guard case .startRequest(let generation, let keepAlive, _) = action else {
                        self.perform(action)
                        continue
                    }
                    self.actions.append(action)
                    let request = ActiveRequest(
                        keepAlive: keepAlive,
                        isHead: false,
                        isHTTP10: head.isHTTP10,
                        generation: generation,
                        method: head.request.method.rawValue,
                        target: head.request.path ?? "",
                        requestID: "id",
                        clientAddress: "",
                        started: .now()
                    )
                    if head.framing != .none {
                        request.bodySource = Self.bodySource()
                    }
                    self.requests.append(request)
                    self.machine.requestStarted(request)
                case .body(let buffer):
                    self.perform(self.machine.bodyReceived(byteCount: buffer.readableBytes))
                case .end:
                    self.perform(self.machine.requestEnded())
                case .refused(let refusal):
                    self.perform(self.machine.requestRefused(refusal.status))
                }
            }
        }

        /// The response to request `generation` is written, head to end; returns the actions.
        mutating func respond(generation: Int, failed: Bool = false) -> [Action] {
            self.actions = []
            guard self.machine.responseStarts(generation: generation) != nil else { return [] }
            self.perform(self.machine.responseEnded(generation: generation, failed: failed))
            return self.actions
        }

        /// Performs what the handler does without a channel: the next steps the machine asks for.
        mutating func perform(_ action: Action) {
            self.actions.append(action)
            switch action {
            case .completed(_, next: .nextRequest):
                self.parse()
                self.actions.append(self.machine.awaitingNextRequest())
                self.actions.append(self.machine.resumeReading())
            case .discardBody:
                self.parse()
                self.actions.append(self.machine.resumeReading())
            default:
                break
            }
        }

        static func bodySource() -> RequestBody.Producer.Source {
            RequestBody.Producer.makeSequence(
                backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8),
                finishOnDeinit: true,
                delegate: RequestBodyDemand(onProduceMore: {}, onTermination: {})
            ).source
        }
    }

    static let get = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
    static let getClose = "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
    static let postHead = "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n"
    static let chunkedHead = "POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"

    static func start(_ generation: Int, keepAlive: Bool = true) -> Action {
        .startRequest(generation: generation, keepAlive: keepAlive, expectsContinue: false)
    }

    // MARK: Keep-alive and pipelining

    @Test("a new connection waits for its first head; a passed one is between two requests")
    func connectionActive() {
        #expect(Connection().machine.connectionActive() == .armTimer(.headerTimeout, after: Self.headerTimeout))
        #expect(Connection(wasPassed: true).machine.connectionActive() == .armTimer(.idle, after: Self.keepalive))
    }

    @Test("keep-alive: a request is answered, then the connection waits for the next")
    func keepAlive() {
        var connection = Connection()
        var actions = connection.receive(Self.get)
        let first = connection.requests[0]
        #expect(actions == [Self.start(1), .finishRequest(first)])
        #expect(connection.machine.readRequested() == .none, "reads are held while the request awaits its response")
        actions = connection.respond(generation: 1)
        #expect(actions == [.completed(first, next: .nextRequest), .armTimer(.idle, after: Self.keepalive), .read])
        #expect(connection.machine.readRequested() == .read)

        actions = connection.receive(Self.getClose)
        let second = connection.requests[1]
        #expect(actions == [Self.start(2, keepAlive: false), .finishRequest(second)])
        #expect(connection.respond(generation: 2) == [.completed(second, next: .close)])
        #expect(connection.receive(Self.get).isEmpty, "a closing connection serves nothing more")
    }

    @Test("pipelined requests wait unparsed, with reads held, until the one before is answered")
    func pipelining() {
        var connection = Connection()
        var actions = connection.receive(Self.get + Self.get + Self.getClose)
        #expect(actions == [Self.start(1), .finishRequest(connection.requests[0])])
        #expect(connection.requests.count == 1)
        #expect(connection.machine.readRequested() == .none)

        actions = connection.respond(generation: 1)
        #expect(connection.requests.count == 2)
        #expect(
            actions == [
                .completed(connection.requests[0], next: .nextRequest), Self.start(2), .finishRequest(connection.requests[1]),
                .none, .none,
            ],
            "the next request starts at once; no idle timer, and the held read stays held"
        )
        actions = connection.respond(generation: 2)
        #expect(actions.first == .completed(connection.requests[1], next: .nextRequest))
        #expect(connection.requests.count == 3)
        #expect(connection.requests[2].keepAlive == false)
        #expect(connection.respond(generation: 3) == [.completed(connection.requests[2], next: .close)])
    }

    // MARK: Body

    @Test("body backpressure holds reads until the consumer asks for more")
    func bodyBackpressure() {
        var connection = Connection()
        var actions = connection.receive(Self.postHead + "abcd")
        let request = connection.requests[0]
        #expect(actions == [Self.start(1), .deliverBody(request)])
        #expect(connection.machine.readRequested() == .read)

        connection.machine.bodyConsumerFull()
        #expect(connection.machine.readRequested() == .none)
        #expect(connection.machine.resumeReading() == .none)
        #expect(connection.machine.bodyConsumerResumed(generation: 0) == .none, "another request's consumer")
        #expect(connection.machine.bodyConsumerResumed(generation: 1) == .read, "the held read goes")
        #expect(connection.machine.readRequested() == .read)

        connection.machine.bodyConsumerFull()
        #expect(connection.machine.readRequested() == .none)
        #expect(connection.machine.bodyConsumerGone(generation: 1) == .read)
        #expect(request.bodySource == nil)
        actions = connection.receive("efghij")
        #expect(actions == [.none, .finishRequest(request)], "the rest is dropped")
        #expect(request.bodyBytes == 10)
    }

    @Test("the client closing mid-body abandons the request, answered or not")
    func clientClosesMidBody() {
        var connection = Connection()
        _ = connection.receive(Self.postHead + "abc")
        let request = connection.requests[0]
        #expect(connection.machine.connectionClosed() === request)
        #expect(request.responseEnded == false, "recorded as the client's leaving")
        #expect(connection.receive("defghij").isEmpty)
        #expect(connection.machine.connectionClosed() == nil, "abandoned once")
        #expect(connection.respond(generation: 1).isEmpty)
    }

    @Test("a response before the body's end: the rest is read and dropped, then the next request")
    func responseBeforeBody() {
        var connection = Connection()
        _ = connection.receive(Self.postHead + "abc")
        let request = connection.requests[0]
        var actions = connection.respond(generation: 1)
        #expect(actions == [.discardBody(request, after: Self.keepalive), .none])
        #expect(request.responseEnded)
        #expect(connection.respond(generation: 1).isEmpty, "the response was written once")
        actions = connection.receive("defghij" + Self.get)
        #expect(
            actions == [
                .none, .completed(request, next: .nextRequest), .armTimer(.idle, after: Self.keepalive), .none, Self.start(2),
                .finishRequest(connection.requests[1]),
            ],
            "the idle timer armed on completion is disarmed by the next head"
        )
    }

    @Test("a failed response closes once written; its request is not recorded again")
    func failedResponse() {
        var connection = Connection()
        _ = connection.receive(Self.get + Self.get)
        let request = connection.requests[0]
        #expect(connection.respond(generation: 1, failed: true) == [.closeAfterWrites])
        #expect(request.keepAlive == false)
        #expect(connection.receive("").isEmpty, "the pipelined request is not served")
        let abandoned = connection.machine.connectionClosed()
        #expect(abandoned === request)
        #expect(abandoned?.responseEnded == true)
    }

    // MARK: Refusal

    @Test("a declared body over the limit is refused at its head, and nothing more is served")
    func refusedAtHead() {
        var connection = Connection()
        let actions = connection.receive("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 17\r\n\r\n" + Self.get)
        #expect(actions == [.refuse(.contentTooLarge, abandoned: nil)])
        #expect(connection.receive(Self.get).isEmpty)
        #expect(connection.requests.isEmpty)
        #expect(
            connection.machine.drainRequested(handover: true) == .armTimer(.idle, after: HTTPConnectionStateMachine.drainIdleGrace),
            "a refused connection is not passed on; it waits the drain's grace period"
        )
        #expect(connection.machine.timerExpired(.idle) == .close)
    }

    @Test("malformed and oversized heads are refused with 400 and 431")
    func refusedHeads() {
        var connection = Connection()
        #expect(connection.receive("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == [.refuse(.badRequest, abandoned: nil)])
        #expect(connection.receive(Self.get).isEmpty)

        connection = Connection()
        let field = "X-Long: " + String(repeating: "x", count: 200) + "\r\n"
        #expect(connection.receive("GET / HTTP/1.1\r\nHost: a\r\n" + field + "\r\n") == [.refuse(.requestHeaderFieldsTooLarge, abandoned: nil)])
        #expect(connection.receive(Self.get).isEmpty)
    }

    @Test("a chunked body over the limit: refused if unanswered, else the connection closes")
    func chunkedOverLimit() {
        var connection = Connection()
        var actions = connection.receive(Self.chunkedHead + "a\r\n0123456789\r\n")
        let request = connection.requests[0]
        #expect(actions == [Self.start(1), .deliverBody(request)])
        actions = connection.receive("7\r\n0123456\r\n")
        #expect(actions == [.refuse(.contentTooLarge, abandoned: request)])
        #expect(connection.machine.connectionClosed() == nil, "the refusal ended the request")

        connection = Connection()
        _ = connection.receive(Self.chunkedHead + "a\r\n0123456789\r\n")
        let answered = connection.requests[0]
        #expect(connection.machine.responseStarts(generation: 1) === answered)
        actions = connection.receive("7\r\n0123456\r\n" + Self.get)
        #expect(actions == [.closeOverLimit(answered)])
        #expect(answered.keepAlive == false)
        #expect(connection.machine.connectionClosed() === answered, "abandoned when the channel goes")
    }

    @Test("a broken chunk after the response began closes instead of answering twice")
    func refusalAfterResponseStarted() {
        var connection = Connection()
        _ = connection.receive(Self.chunkedHead)
        let request = connection.requests[0]
        #expect(connection.machine.responseStarts(generation: 1) === request)
        #expect(connection.receive("zz\r\n") == [.close])
        #expect(connection.machine.connectionClosed() === request)
    }

    // MARK: Drain and handover

    @Test("drain while idle: passed on at once, or given a grace period")
    func drainWhileIdle() {
        var connection = Connection()
        _ = connection.receive(Self.get)
        _ = connection.respond(generation: 1)
        #expect(connection.machine.drainRequested(handover: true) == .flushForHandOver)
        #expect(connection.machine.readRequested() == .none, "nothing is read while the socket is passed")
        #expect(connection.machine.handOverFlushed(success: true) == .passConnection)
        connection.machine.connectionPassed()
        #expect(connection.receive(Self.get).isEmpty)

        // The successor cannot take it: the connection drains like any idle one.
        connection = Connection()
        #expect(connection.machine.drainRequested(handover: true) == .flushForHandOver)
        _ = connection.machine.readRequested()
        #expect(connection.machine.handOverFlushed(success: false) == .armTimer(.idle, after: HTTPConnectionStateMachine.drainIdleGrace))
        #expect(connection.machine.resumeReading() == .read)
        #expect(connection.receive(Self.get) == [Self.start(1, keepAlive: false), .finishRequest(connection.requests[0])])
        #expect(connection.respond(generation: 1) == [.completed(connection.requests[0], next: .close)])

        connection = Connection()
        #expect(connection.machine.drainRequested(handover: false) == .armTimer(.idle, after: HTTPConnectionStateMachine.drainIdleGrace))
        #expect(connection.machine.timerExpired(.idle) == .close)
    }

    @Test("drain while idle with part of a next request received: it is served, not passed")
    func drainWithPartialRequest() {
        var connection = Connection()
        #expect(connection.receive("GET / HT").isEmpty)
        #expect(connection.machine.drainRequested(handover: true) == .armTimer(.idle, after: HTTPConnectionStateMachine.drainIdleGrace))
        let actions = connection.receive("TP/1.1\r\nHost: a\r\n\r\n")
        #expect(actions == [Self.start(1, keepAlive: false), .finishRequest(connection.requests[0])])
    }

    @Test("drain while responding: the connection passes on only at a message boundary")
    func drainWhileResponding() {
        // The request is read and nothing follows it: passed on after the response.
        var connection = Connection()
        _ = connection.receive(Self.get)
        #expect(connection.machine.drainRequested(handover: true) == .none)
        #expect(connection.respond(generation: 1) == [.completed(connection.requests[0], next: .handOver)])
        #expect(connection.requests[0].keepAlive)
        #expect(connection.machine.handOverFlushed(success: true) == .passConnection)

        // Mid-body: the response says `Connection: close`.
        connection = Connection()
        _ = connection.receive(Self.postHead + "abc")
        #expect(connection.machine.drainRequested(handover: true) == .none)
        #expect(connection.machine.responseStarts(generation: 1)?.keepAlive == false)
        _ = connection.machine.responseEnded(generation: 1, failed: false)
        #expect(connection.receive("defghij") == [.none, .completed(connection.requests[0], next: .close)])

        // A pipelined request is already here: this response closes the connection.
        connection = Connection()
        _ = connection.receive(Self.get + Self.get)
        #expect(connection.machine.drainRequested(handover: true) == .none)
        #expect(connection.respond(generation: 1) == [.completed(connection.requests[0], next: .close)])
        #expect(connection.requests.count == 1)

        // Drain after the head was written keeping the connection: the pipelined request is
        // served (with `Connection: close`) rather than lost.
        connection = Connection()
        _ = connection.receive(Self.get + Self.get)
        #expect(connection.machine.responseStarts(generation: 1)?.keepAlive == true)
        #expect(connection.machine.drainRequested(handover: true) == .none)
        connection.actions = []
        connection.perform(connection.machine.responseEnded(generation: 1, failed: false))
        #expect(connection.actions.first == .completed(connection.requests[0], next: .nextRequest))
        #expect(connection.requests.count == 2)
        #expect(connection.requests[1].keepAlive == false)
        #expect(connection.respond(generation: 2) == [.completed(connection.requests[1], next: .close)])
    }

    @Test("a request that begins while the connection is flushed for its handover is served")
    func requestDuringHandover() {
        var connection = Connection()
        #expect(connection.machine.drainRequested(handover: true) == .flushForHandOver)
        #expect(connection.receive(Self.get) == [Self.start(1, keepAlive: false), .finishRequest(connection.requests[0])])
        #expect(connection.machine.handOverFlushed(success: true) == .none)
        #expect(connection.respond(generation: 1) == [.completed(connection.requests[0], next: .close)])
    }

    // MARK: Timer

    @Test("timer expiry in each state")
    func timerExpiry() {
        // Idle, first request: 408. Idle later: close quietly.
        var connection = Connection()
        #expect(connection.machine.timerExpired(.headerTimeout) == .refuse(.requestTimeout, abandoned: nil))
        #expect(connection.receive(Self.get).isEmpty)
        connection = Connection()
        #expect(connection.machine.timerExpired(.idle) == .close)

        // Receiving and responding: a head came in time, so idle deadlines no longer apply.
        connection = Connection()
        _ = connection.receive(Self.postHead)
        #expect(connection.machine.timerExpired(.headerTimeout) == .none)
        #expect(connection.machine.timerExpired(.idle) == .none)
        _ = connection.receive("0123456789")
        #expect(connection.machine.timerExpired(.headerTimeout) == .none)
        #expect(connection.machine.timerExpired(.idle) == .none)

        // Discarding the rest of a body: the linger ends it.
        connection = Connection()
        _ = connection.receive(Self.postHead)
        _ = connection.respond(generation: 1)
        #expect(connection.machine.timerExpired(.idle) == .none)
        #expect(connection.machine.timerExpired(.linger) == .close)
        #expect(connection.machine.connectionClosed() === connection.requests[0])

        // Refused: the linger closes what the client left open.
        connection = Connection()
        _ = connection.receive("BAD\r\n\r\n")
        #expect(connection.machine.timerExpired(.linger) == .close)

        // Handing over: an idle deadline still closes.
        connection = Connection()
        _ = connection.machine.drainRequested(handover: true)
        #expect(connection.machine.timerExpired(.idle) == .close)

        // Closed: nothing.
        connection = Connection()
        _ = connection.machine.connectionClosed()
        #expect(connection.machine.timerExpired(.linger) == .none)
        #expect(connection.machine.timerExpired(.headerTimeout) == .none)
    }

    // MARK: Generations

    @Test("a late write from an earlier request's task is ignored")
    func lateWrite() {
        var connection = Connection()
        _ = connection.receive(Self.get)
        _ = connection.respond(generation: 1)
        _ = connection.receive(Self.postHead + "abc")
        let second = connection.requests[1]
        #expect(connection.machine.currentRequest(generation: 1) == nil)
        #expect(connection.machine.responseStarts(generation: 1) == nil)
        #expect(connection.machine.responseEnded(generation: 1, failed: true) == .none)
        #expect(connection.machine.bodyConsumerGone(generation: 1) == .none)
        #expect(second.bodySource != nil, "the current request's body is untouched")
        #expect(second.responseStarted == false)
        #expect(connection.machine.currentRequest(generation: 2) === second)
    }
}
