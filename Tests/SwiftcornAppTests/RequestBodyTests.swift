import NIOCore
import SwiftcornApp
import SwiftcornTestKit
import Synchronization
import Testing

/// ``RequestBody`` fed as the worker feeds it (`HTTPConnectionHandler+Request.swift`): a
/// `RequestBody.Producer` with watermarks 2 and 8 and `finishOnDeinit`, whose source the
/// connection yields each part to, stopping reads on `.stopProducing` until the consumer's
/// demand (``RequestBodyDemand``) says to go on, and finishing with an error when the
/// connection closes or the body breaks `max_body_size`.
@Suite("RequestBody: a streamed, backpressured request body")
struct RequestBodyTests {
    /// What the consumer told the connection through ``RequestBodyDemand``.
    final class Demand: Sendable {
        private let counts = Mutex((produceMore: 0, terminated: 0))
        /// Each `produceMore`, for a producer that waits for one.
        let resumed: AsyncStream<Void>
        private let resume: AsyncStream<Void>.Continuation

        init() {
            (self.resumed, self.resume) = AsyncStream.makeStream(of: Void.self)
        }

        var produceMoreCalls: Int { self.counts.withLock { $0.produceMore } }
        var terminations: Int { self.counts.withLock { $0.terminated } }

        /// The delegate the connection hands the producer.
        var delegate: RequestBodyDemand {
            RequestBodyDemand(
                onProduceMore: {
                    self.counts.withLock { $0.produceMore += 1 }
                    self.resume.yield()
                },
                onTermination: { self.counts.withLock { $0.terminated += 1 } }
            )
        }
    }

    /// The connection's side of one streamed body, made as the worker makes it.
    struct Connection {
        let body: RequestBody
        let source: RequestBody.Producer.Source
        let demand: Demand

        init() {
            self.demand = Demand()
            let stream = RequestBody.Producer.makeSequence(
                backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8),
                finishOnDeinit: true,
                delegate: self.demand.delegate
            )
            self.body = RequestBody(producer: stream.sequence)
            self.source = stream.source
        }

        /// Yields `part` as the connection's `receiveBody` does.
        @discardableResult
        func yield(_ part: String) -> RequestBody.Producer.Source.YieldResult {
            self.source.yield(ByteBuffer(string: part))
        }
    }

    struct ConnectionReset: Error, Equatable {}

    static func string(_ buffer: ByteBuffer) -> String {
        String(buffer: buffer)
    }

    // MARK: Buffered bodies

    @Test("a buffered body: one part, collected under and at its size, 413 over it")
    func bufferedBody() async throws {
        let body = RequestBody(buffer: ByteBuffer(string: "hello"))
        #expect(Self.string(try await body.collect(upTo: 100)) == "hello")
        #expect(Self.string(try await body.collect(upTo: 5)) == "hello")
        await #expect(throws: HTTPError(.contentTooLarge)) { try await body.collect(upTo: 4) }
        var parts: [String] = []
        for try await part in body { parts.append(Self.string(part)) }
        #expect(parts == ["hello"])
    }

    @Test("an empty body has no parts and collects to nothing, even with no room")
    func emptyBody() async throws {
        for body in [RequestBody.empty, RequestBody(buffer: ByteBuffer())] {
            var iterator = body.makeAsyncIterator()
            #expect(try await iterator.next() == nil)
            #expect(try await body.collect(upTo: 0).readableBytes == 0)
        }
        let connection = Connection()
        connection.source.finish()
        #expect(try await connection.body.collect(upTo: 0).readableBytes == 0)
    }

    // MARK: Streamed bodies

    @Test("collect(upTo:) on a stream: under and at the limit, the parts joined")
    func collectStreamWithinLimit() async throws {
        for limit in [100, 9] {
            let connection = Connection()
            connection.yield("abc")
            connection.yield("def")
            connection.yield("ghi")
            connection.source.finish()
            #expect(Self.string(try await connection.body.collect(upTo: limit)) == "abcdefghi", "limit \(limit)")
        }
    }

    @Test("collect(upTo:) on a stream over the limit throws 413, and the connection hears the consumer is gone")
    func collectStreamOverLimit() async throws {
        let connection = Connection()
        connection.yield("abc")
        connection.yield("def")
        connection.yield("ghi")
        await #expect(throws: HTTPError(.contentTooLarge)) { try await connection.body.collect(upTo: 8) }
        try Poll.until("didTerminate", timeout: .seconds(10)) { connection.demand.terminations == 1 }
        // What still arrives is dropped, as the connection's `receiveBody` expects.
        #expect(connection.yield("jkl") == .dropped)
    }

    @Test("backpressure: the producer is told to stop at the high watermark and to go on below the low one")
    func backpressure() async throws {
        let connection = Connection()
        for index in 0..<7 {
            #expect(connection.yield("\(index)") == .produceMore, "part \(index)")
        }
        #expect(connection.yield("7") == .stopProducing, "8 parts buffered: stop reading")
        var iterator = connection.body.makeAsyncIterator()
        for index in 0..<6 {
            #expect(try await iterator.next().map(Self.string) == "\(index)")
        }
        #expect(connection.demand.produceMoreCalls == 0, "2 parts still buffered: not yet")
        #expect(try await iterator.next().map(Self.string) == "6")
        try Poll.until("produceMore", timeout: .seconds(10)) { connection.demand.produceMoreCalls == 1 }
        #expect(connection.yield("8") == .produceMore, "reading resumed")
        connection.source.finish()
        #expect(try await iterator.next().map(Self.string) == "7")
        #expect(try await iterator.next().map(Self.string) == "8")
        #expect(try await iterator.next() == nil)
    }

    @Test("a producer that stops when told and resumes on demand delivers a large body intact to a slow reader")
    func producerAndSlowConsumer() async throws {
        let connection = Connection()
        let parts = (0..<200).map { "part \($0);" }
        let stops = Mutex(0)
        let producer = Task {
            var resumed = connection.demand.resumed.makeAsyncIterator()
            for part in parts {
                if connection.yield(part) == .stopProducing {
                    stops.withLock { $0 += 1 }
                    // Reads stop until the consumer asks for more, as the connection's reads do.
                    _ = await resumed.next()
                }
            }
            connection.source.finish()
        }
        var received: [String] = []
        for try await part in connection.body {
            received.append(Self.string(part))
            if received.count % 3 == 0 { await Task.yield() }
        }
        await producer.value
        #expect(received == parts)
        #expect(stops.withLock { $0 } > 0, "the producer was told to stop at least once")
        #expect(connection.demand.produceMoreCalls >= stops.withLock { $0 })
    }

    @Test("a body that fails midway hands over what arrived, then the error")
    func failsMidway() async throws {
        let connection = Connection()
        connection.yield("abc")
        connection.yield("def")
        connection.source.finish(ConnectionReset())
        var iterator = connection.body.makeAsyncIterator()
        #expect(try await iterator.next().map(Self.string) == "abc")
        #expect(try await iterator.next().map(Self.string) == "def")
        await #expect(throws: ConnectionReset()) { try await iterator.next() }
    }

    @Test("collect(upTo:) rethrows a midway failure, the connection's 413 included")
    func collectFailsMidway() async throws {
        let reset = Connection()
        reset.yield("abc")
        reset.source.finish(ConnectionReset())
        await #expect(throws: ConnectionReset()) { try await reset.body.collect(upTo: 100) }

        // The connection finishes the body with 413 when a chunked body breaks max_body_size.
        let tooLarge = Connection()
        tooLarge.yield("abc")
        tooLarge.source.finish(HTTPError(.contentTooLarge))
        await #expect(throws: HTTPError(.contentTooLarge)) { try await tooLarge.body.collect(upTo: 100) }
    }

    @Test("a body the application never reads tells the connection it is gone")
    func unreadBody() throws {
        let demand: Demand
        let source: RequestBody.Producer.Source
        do {
            let connection = Connection()
            connection.yield("abc")
            (demand, source) = (connection.demand, connection.source)
            // The request, and with it the body, is dropped unread at the end of this scope.
        }
        try Poll.until("didTerminate", timeout: .seconds(10)) { demand.terminations == 1 }
        #expect(source.yield(ByteBuffer(string: "def")) == .dropped)
    }
}
