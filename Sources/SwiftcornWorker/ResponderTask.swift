import Logging
import NIOCore
import SwiftcornApp

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
