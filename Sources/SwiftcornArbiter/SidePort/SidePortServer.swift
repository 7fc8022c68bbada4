import NIOCore
import NIOHTTP1
import NIOPosix
import SwiftcornConfig

/// The master's side port: an HTTP/1.1 server on one event loop thread of its own, with one
/// more thread to render answers, so neither the master's loop nor a hung worker can stall a
/// scrape.
///
/// Started after the master blocked its signals: both threads inherit the mask and never take
/// a signal meant for the signalfd.
final class SidePortServer {
    private let group: MultiThreadedEventLoopGroup
    private let pool: NIOThreadPool
    private let channel: any Channel

    /// Listens on `address` and answers with `routes`.
    init(address: BindAddress, routes: SidePortRoutes) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(SidePortHandler(routes: routes, pool: pool))
                }
            }
        do {
            switch address {
            case .tcp(let host, let port):
                self.channel = try bootstrap.bind(host: host, port: port).wait()
            case .unix(let path):
                self.channel = try bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).wait()
            }
        } catch {
            try? group.syncShutdownGracefully()
            try? pool.syncShutdownGracefully()
            throw error
        }
        self.group = group
        self.pool = pool
    }

    /// Stops listening and ends both threads.
    func stop() {
        try? self.channel.close().wait()
        try? self.group.syncShutdownGracefully()
        try? self.pool.syncShutdownGracefully()
    }
}
