public import NIOCore

/// A request body, streamed from the connection as the application reads it.
///
/// Reading is backpressured: the connection stops reading from the socket while the
/// application has not consumed what arrived. A body can be iterated once.
public struct RequestBody: AsyncSequence, Sendable {
    /// A part of the body, as it arrived.
    public typealias Element = ByteBuffer
    /// The connection closed, or the body broke a limit.
    public typealias Failure = any Error

    /// The NIO sequence that carries a streamed body from the connection.
    package typealias Producer = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, RequestBodyDemand
    >

    private enum Storage: Sendable {
        case buffer(ByteBuffer)
        case stream(Producer)
    }

    private let storage: Storage

    /// An empty body.
    public static let empty = RequestBody(buffer: ByteBuffer())

    /// A body holding `buffer`.
    public init(buffer: ByteBuffer) {
        self.storage = .buffer(buffer)
    }

    /// A body fed by the connection through `producer`.
    package init(producer: Producer) {
        self.storage = .stream(producer)
    }

    /// Reads the whole body into one buffer; throws ``HTTPError`` 413 past `maxSize` bytes.
    public func collect(upTo maxSize: Int) async throws -> ByteBuffer {
        switch self.storage {
        case .buffer(let buffer):
            guard buffer.readableBytes <= maxSize else { throw HTTPError(.contentTooLarge) }
            return buffer
        case .stream:
            var collected = ByteBuffer()
            for try await part in self {
                guard collected.readableBytes + part.readableBytes <= maxSize else {
                    throw HTTPError(.contentTooLarge)
                }
                var part = part
                collected.writeBuffer(&part)
            }
            return collected
        }
    }

    /// An iterator over the body's parts; a body can be iterated once.
    public func makeAsyncIterator() -> AsyncIterator {
        switch self.storage {
        case .buffer(let buffer):
            AsyncIterator(storage: .buffer(buffer.readableBytes > 0 ? buffer : nil))
        case .stream(let producer):
            AsyncIterator(storage: .stream(producer.makeAsyncIterator()))
        }
    }

    /// Iterates the body's parts.
    public struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate enum Storage {
            case buffer(ByteBuffer?)
            case stream(Producer.AsyncIterator)
        }

        fileprivate var storage: Storage

        /// The next part, or `nil` at the end of the body.
        public mutating func next() async throws -> ByteBuffer? {
            switch self.storage {
            case .buffer(let buffer):
                self.storage = .buffer(nil)
                return buffer
            case .stream(let iterator):
                return try await iterator.next()
            }
        }
    }
}

/// Tells the connection when the application wants more body bytes or has gone away.
public struct RequestBodyDemand: NIOAsyncSequenceProducerDelegate {
    private let onProduceMore: @Sendable () -> Void
    private let onTermination: @Sendable () -> Void

    /// Creates a delegate from two callbacks; both may be called on any thread.
    package init(onProduceMore: @escaping @Sendable () -> Void, onTermination: @escaping @Sendable () -> Void) {
        self.onProduceMore = onProduceMore
        self.onTermination = onTermination
    }

    /// The consumer wants more: the connection resumes reading.
    public func produceMore() {
        self.onProduceMore()
    }

    /// The consumer is gone: what still arrives is discarded.
    public func didTerminate() {
        self.onTermination()
    }
}
