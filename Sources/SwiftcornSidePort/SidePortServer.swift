import NIOCore
import NIOHTTP1
import NIOPosix
import SwiftcornConfig

/// The master's side port: an HTTP/1.1 server on one event loop thread of its own, so neither
/// the master's loop nor a hung worker can stall a scrape.
///
/// Started after the master blocked its signals: the thread inherits the mask and never takes
/// a signal meant for the signalfd.
final class SidePortServer {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    /// The address it listens on (the port the system chose, for port 0).
    var localAddress: SocketAddress? { self.channel.localAddress }

    /// Listens on `address` and answers with `routes`.
    init(address: BindAddress, routes: SidePortRoutes) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // One loop: every connection's handler runs on it, so they can share the scratch memory.
        let scratch = ScrapeScratch(allocator: ByteBufferAllocator())
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(SidePortHandler(routes: routes, scratch: scratch))
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
            throw error
        }
        self.group = group
    }

    /// Stops listening and ends its thread.
    func stop() {
        try? self.channel.close().wait()
        try? self.group.syncShutdownGracefully()
    }
}
