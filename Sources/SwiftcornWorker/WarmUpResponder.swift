import SwiftcornApp

/// Answers the fork server's warm-up request (see ``ForkServer``): an immediate `200`.
struct WarmUpResponder: ImmediateResponder {
    func respondImmediately(to request: Request, context: RequestContext) throws -> Response? {
        Response(status: .ok, body: .init(string: "ok"))
    }

    func respond(to request: Request, context: RequestContext) async throws -> Response {
        Response(status: .ok)
    }
}
