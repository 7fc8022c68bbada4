import HTTPTypes
import Logging
import NIOCore
import SwiftcornApp
import Synchronization

/// Carries a response from the responder's task to its connection's event loop.
enum ResponseWriting {
    static func write(
        _ response: Response,
        route: String?,
        to handler: NIOLoopBound<HTTPConnectionHandler>,
        generation: Int,
        logger: Logger
    ) async {
        let loop = handler.eventLoop
        switch response.body.storage {
        case .buffer(let buffer):
            let head = response.head
            if loop.inEventLoop {
                Self.writeComplete(head, buffer, route: route, handler.value, generation: generation)
            } else {
                loop.execute { Self.writeComplete(head, buffer, route: route, handler.value, generation: generation) }
            }
        case .stream(let produce):
            let head = response.head
            let length = response.body.contentLength
            let framing = try? await Self.onLoop(loop) {
                handler.value.writeHead(head, bodyLength: length, completeBody: nil, route: route, generation: generation)
            }
            guard let framing = framing ?? nil else { return }
            let writer = ChannelResponseBodyWriter(handler: handler, framing: framing, generation: generation, declaredLength: length)
            var failed = false
            if framing != .none {
                do {
                    try await produce(writer)
                    failed = !writer.wroteDeclaredLength
                } catch {
                    failed = true
                    if !(error is ResponseWriterError) {
                        logger.error("response body stream failed", metadata: ["error": "\(error)"])
                    }
                }
            }
            let cutShort = failed
            _ = try? await Self.onLoop(loop) {
                handler.value.endResponse(framing: framing, failed: cutShort, generation: generation)
            }
        }
    }

    /// Writes `response` from `loop`, the connection's event loop: a body in memory at once, a
    /// streamed body from a task.
    static func writeFromLoop(
        _ response: Response,
        route: String?,
        to handler: HTTPConnectionHandler,
        on loop: any EventLoop,
        generation: Int,
        logger: Logger
    ) {
        switch response.body.storage {
        case .buffer(let buffer):
            Self.writeComplete(response.head, buffer, route: route, handler, generation: generation)
        case .stream:
            let handler = NIOLoopBound(handler, eventLoop: loop)
            Task.immediate {
                await Self.write(response, route: route, to: handler, generation: generation, logger: logger)
            }
        }
    }

    private static func writeComplete(
        _ head: HTTPResponse,
        _ body: ByteBuffer,
        route: String?,
        _ handler: HTTPConnectionHandler,
        generation: Int
    ) {
        guard
            let framing = handler.writeHead(head, bodyLength: body.readableBytes, completeBody: body, route: route, generation: generation)
        else { return }
        handler.endResponse(framing: framing, failed: false, generation: generation)
    }

    /// Runs `body` on `loop`, directly when already there.
    static func onLoop<T: Sendable>(_ loop: any EventLoop, _ body: @escaping @Sendable () -> T) async throws -> T {
        if loop.inEventLoop {
            return body()
        }
        return try await loop.submit(body).get()
    }
}

/// The task that runs the responder for one request and writes its response.
enum ResponderTask {
    /// Starts the task immediately on the calling thread, the connection's event loop: a
    /// responder that never suspends answers within the current `channelRead`, with no executor
    /// hop and no second wake-up of the loop.
    static func start(
        request: Request,
        context requestContext: sending RequestContext,
        responder: any Responder,
        handler: NIOLoopBound<HTTPConnectionHandler>,
        generation: Int,
        logger: Logger
    ) {
        Task.immediate {
            let response: Response
            do {
                response = try await responder.respond(to: request, context: requestContext)
            } catch {
                response = HTTPConnectionHandler.response(for: error, from: request, logger: logger)
            }
            await ResponseWriting.write(response, route: requestContext.route, to: handler, generation: generation, logger: logger)
        }
    }
}

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
