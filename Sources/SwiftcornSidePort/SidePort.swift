import SwiftcornConfig

/// The side port's address and routes, and its server once it listens.
///
/// A master started by a binary upgrade may find the port still held by the old master; it then
/// retries from its loop until the old master has gone (``MasterLoop/retrySidePort(now:)``).
package final class SidePort {
    package let address: BindAddress
    let routes: SidePortRoutes
    private var server: SidePortServer?

    /// Whether it listens; a master started by a binary upgrade may not yet.
    package var isListening: Bool { self.server != nil }

    /// The address it listens on (the port the system chose, for port 0), when listening.
    package var localAddress: String? { self.server?.localAddress.map { "\($0)" } }

    package init(address: BindAddress, routes: SidePortRoutes) {
        self.address = address
        self.routes = routes
    }

    /// Listens; throws when the address cannot be bound.
    package func start() throws {
        guard self.server == nil else { return }
        self.server = try SidePortServer(address: self.address, routes: self.routes)
    }

    /// Stops listening.
    package func stop() {
        self.server?.stop()
        self.server = nil
    }
}
