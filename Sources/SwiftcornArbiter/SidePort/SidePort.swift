import SwiftcornConfig

/// The side port's address and routes, and its server once it listens.
///
/// A master started by a binary upgrade may find the port still held by the old master; it then
/// retries from its loop until the old master has gone (``MasterLoop/retrySidePort(now:)``).
final class SidePort {
    let address: BindAddress
    let routes: SidePortRoutes
    private(set) var server: SidePortServer?

    init(address: BindAddress, routes: SidePortRoutes) {
        self.address = address
        self.routes = routes
    }

    /// Listens; throws when the address cannot be bound.
    func start() throws {
        guard self.server == nil else { return }
        self.server = try SidePortServer(address: self.address, routes: self.routes)
    }

    /// Stops listening.
    func stop() {
        self.server?.stop()
        self.server = nil
    }
}
