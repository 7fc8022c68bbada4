import NIOCore
import SwiftcornApp
import Synchronization

/// The ``ResponseBodyWriter`` a streamed response writes through: each write hops to the
/// connection's event loop and returns once the socket took the bytes, which is the
/// backpressure a slow client exerts.
final class ChannelResponseBodyWriter: ResponseBodyWriter {
    private let handler: NIOLoopBound<HTTPConnectionHandler>
    private let framing: ResponseHeadEncoder.Framing
    private let generation: Int
    private let declaredLength: Int?
    private let written = Atomic<Int>(0)

    init(handler: NIOLoopBound<HTTPConnectionHandler>, framing: ResponseHeadEncoder.Framing, generation: Int, declaredLength: Int?) {
        self.handler = handler
        self.framing = framing
        self.generation = generation
        self.declaredLength = declaredLength
    }

    /// Whether the body had exactly the length announced in `Content-Length`, if one was.
    var wroteDeclaredLength: Bool {
        guard let declaredLength = self.declaredLength else { return true }
        return self.written.load(ordering: .relaxed) == declaredLength
    }

    func write(_ buffer: ByteBuffer) async throws {
        let total = self.written.add(buffer.readableBytes, ordering: .relaxed).newValue
        if let declaredLength = self.declaredLength, total > declaredLength {
            throw ResponseWriterError.exceedsDeclaredLength
        }
        let handler = self.handler
        let framing = self.framing
        let generation = self.generation
        let future = try await ResponseWriting.onLoop(handler.eventLoop) {
            handler.value.writeBodyPart(buffer, framing: framing, generation: generation)
        }
        guard let future else { throw ResponseWriterError.connectionClosed }
        do {
            try await future.get()
        } catch {
            // A client leaving mid-body is ordinary; the writer reports it as such.
            throw ResponseWriterError.connectionClosed
        }
    }
}

/// Why a streamed response body could not be written.
enum ResponseWriterError: Error {
    /// The client went away.
    case connectionClosed
    /// The body is longer than the `Content-Length` it declared.
    case exceedsDeclaredLength
}
