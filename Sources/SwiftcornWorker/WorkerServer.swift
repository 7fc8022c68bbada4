import CSwiftcornSystem
import Logging
import NIOCore
import NIOPosix
import SwiftcornApp
import SwiftcornConfig
import SwiftcornLogging

#if canImport(Glibc)
import Glibc
#endif

/// The HTTP server inside one worker: accepts on the inherited listening sockets and serves
/// the connections on the worker's event loops.
final class WorkerServer: Sendable {
    let registry: ConnectionRegistry
    private let acceptor: SocketAcceptor

    private init(registry: ConnectionRegistry, acceptor: SocketAcceptor) {
        self.registry = registry
        self.acceptor = acceptor
    }

    /// Starts serving on the inherited listening `sockets` (``WorkerLaunch/Descriptors``).
    static func start(
        group: MultiThreadedEventLoopGroup,
        sockets: [Int32],
        configuration: ServerConfiguration,
        workerIndex: Int,
        responder: any Responder,
        accessLog: LogWriter?,
        inFlight: InFlightRequests,
        instruments: WorkerInstruments,
        hooks: ServerHooks,
        logger: Logger
    ) throws -> WorkerServer {
        let registry = ConnectionRegistry(limit: configuration.workerConnections)
        let settings = HTTPServerSettings(
            configuration: configuration,
            workerIndex: workerIndex,
            pid: getpid(),
            accessLog: accessLog,
            inFlight: inFlight,
            instruments: instruments,
            hooks: hooks
        )
        let initializer: @Sendable (any Channel, Int32, Bool) -> EventLoopFuture<Void> = { channel, descriptor, wasPassed in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(
                    HTTPConnectionHandler(
                        responder: responder,
                        settings: settings,
                        logger: logger,
                        descriptor: descriptor,
                        wasPassed: wasPassed
                    )
                )
            }
        }

        var listeners: [SocketAcceptor.Listener] = []
        for descriptor in sockets {
            let isTCP = SocketAcceptor.Listener.isTCP(descriptor)
            // Re-issuing listen sets the configured backlog whatever a previous owner asked for.
            Glibc.listen(descriptor, Int32(clamping: configuration.backlog))
            // Every worker is woken for each connection and all but one find nothing to accept:
            // a blocking socket would park the losers in accept() until the next connection.
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            listeners.append(SocketAcceptor.Listener(fileDescriptor: descriptor, isTCP: isTCP))
        }

        // A retiring worker passes its connections here; without it, they are closed as usual.
        let handoverListener = cswiftcorn_abstract_listen(ConnectionHandover.socketName(pid: getpid()))
        if handoverListener < 0 {
            logger.warning("cannot receive connections from retiring workers", metadata: ["errno": "\(errno)"])
        }
        let acceptor = SocketAcceptor(listeners: listeners, handoverListener: handoverListener, registry: registry) {
            connection,
            listener,
            done in
            // Bootstraps are not Sendable; one per connection costs an allocation, next to an accept.
            var bootstrap = ClientBootstrap(group: group)
                .channelOption(.maxMessagesPerRead, value: 16)
                .channelInitializer { initializer($0, connection, listener.isPassedConnection) }
            if listener.isTCP {
                bootstrap = bootstrap.channelOption(.tcpOption(.tcp_nodelay), value: 1)
            }
            bootstrap.withConnectedSocket(connection).whenComplete { result in
                done()
                switch result {
                case .success(let channel):
                    registry.register(channel)
                case .failure(let error):
                    registry.release()
                    logger.debug("connection setup failed", metadata: ["error": "\(error)"])
                }
            }
        }
        acceptor.start()
        return WorkerServer(registry: registry, acceptor: acceptor)
    }

    /// Stops accepting, lets every connection finish its request, and calls `completion` when
    /// the last one closed; with a `successor`, keep-alive connections are passed to it between
    /// two requests instead of being closed.
    func drain(successor: pid_t? = nil, completion: @escaping @Sendable () -> Void) {
        self.acceptor.stop()
        let handover = successor.flatMap { ConnectionHandover(successor: $0) }
        self.registry.drain(event: WorkerDrainEvent(handover: handover), onEmpty: completion)
    }
}
