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
