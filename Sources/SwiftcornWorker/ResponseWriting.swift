import HTTPTypes
import Logging
import NIOCore
import SwiftcornApp

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
