/// An application: turns a request into a response.
///
/// A worker calls ``respond(to:context:)`` once per request, possibly for many requests at
/// the same time, so a responder must be `Sendable`.
///
/// ```swift
/// struct Hello: Responder {
///     func respond(to request: Request, context: RequestContext) async throws -> Response {
///         .init(status: .ok, body: "Hello")
///     }
/// }
/// ```
public protocol Responder: Sendable {
    /// Answers one request.
    ///
    /// Throwing ``HTTPError`` answers with its status; any other error answers 500.
    func respond(to request: Request, context: RequestContext) async throws -> Response
}

/// A responder that answers some requests without suspending, and so without a task.
///
/// The worker offers each request to ``respondImmediately(to:context:)`` first, on the
/// connection's event loop. A response it returns is written at once; `nil` hands the request to
/// ``Responder/respond(to:context:)`` in a task, as for any responder. A request answered
/// immediately skips creating and running a task, about a tenth of the user-space CPU a small
/// request costs the worker; gunicorn's sync workers make the same trade.
///
/// Both methods run on the event loop until they suspend, so neither may block. The same
/// ``RequestContext`` reaches `respond(to:context:)` when `respondImmediately` returned `nil`,
/// with anything it set (such as ``RequestContext/route``) kept; the `preRequest` hook runs once.
///
/// ```swift
/// struct App: ImmediateResponder {
///     func respondImmediately(to request: Request, context: RequestContext) throws -> Response? {
///         request.path == "/" ? Response(status: .ok, body: "Hello") : nil
///     }
///     func respond(to request: Request, context: RequestContext) async throws -> Response {
///         try await slowAnswer(request)
///     }
/// }
/// ```
public protocol ImmediateResponder: Responder {
    /// Answers `request` now, or returns `nil` to have it answered in a task.
    ///
    /// Throwing ``HTTPError`` answers with its status; any other error answers 500.
    func respondImmediately(to request: Request, context: RequestContext) throws -> Response?
}
