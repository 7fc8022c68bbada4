import Logging
import NIOCore
import SwiftcornHTTP

/// The task that runs the responder for one request and writes its response.
enum ResponderTask {
    /// Starts the task immediately on the calling thread, the connection's event loop: a
    /// responder that never suspends answers within the current `channelRead`, with no executor
    /// hop and no second wake-up of the loop.
    static func start(
        request: Request,
        responder: any Responder,
        handler: NIOLoopBound<HTTPConnectionHandler>,
        generation: Int,
        logger: Logger,
        workerIndex: Int,
        remoteAddress: String,
        allocator: ByteBufferAllocator,
        preRequest: (@Sendable (Request, RequestContext) -> Void)?
    ) {
        Task.immediate {
            let requestContext = RequestContext(
                logger: logger,
                workerIndex: workerIndex,
                remoteAddress: remoteAddress,
                allocator: allocator,
                eventLoop: handler.eventLoop
            )
            preRequest?(request, requestContext)
            let response: Response
            do {
                response = try await responder.respond(to: request, context: requestContext)
            } catch let error as HTTPError {
                response = HTTPConnectionHandler.response(for: error)
            } catch {
                logger.error(
                    "responder failed",
                    metadata: ["error": "\(error)", "path": "\(request.path)", "method": "\(request.method)"]
                )
                response = HTTPConnectionHandler.response(for: HTTPError(.internalServerError))
            }
            await ResponseWriting.write(response, route: requestContext.route, to: handler, generation: generation, logger: logger)
        }
    }
}
