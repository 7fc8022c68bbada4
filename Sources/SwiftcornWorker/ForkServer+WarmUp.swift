import Logging
import NIOCore
import NIOEmbedded
import SwiftcornConfig

extension ForkServer {
    /// Parses one request, and builds an `EmbeddedChannel` (it runs on the calling thread, so no
    /// thread is started), so the Swift metadata and conformances a worker's connections need
    /// are built here once instead of in every worker.
    static func warmUp(_ configuration: ServerConfiguration) {
        _ = Logger(label: "swiftcorn.worker")
        // Commits NIO's default (singletons on), as every worker does on first use; on the way it
        // builds the metadata of NIO's global atomics, which setting the loop count in each
        // worker would otherwise pay for (a few percent of a forked worker's start).
        _ = NIOSingletons.singletonsEnabledSuggestion
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        var parser = RequestParser(limits: RequestHeadLimits(configuration))
        parser.append(ByteBuffer(string: "GET /warm-up HTTP/1.1\r\nHost: localhost\r\nUser-Agent: swiftcorn\r\n\r\n"))
        while parser.next() != nil {}
        Self.warmUpWorkerStart(channel)
    }

    /// Builds the generic storages and conformances a worker's start and first connection look
    /// up by name: ~0.2 ms of CPU per worker replacement, by perf, that every forked worker
    /// would otherwise spend again.
    private static func warmUpWorkerStart(_ channel: any Channel) {
        var streams: Set<Int32> = []  // SocketAcceptor's handover streams
        streams.insert(0)
        var channels: [ObjectIdentifier: any Channel] = [:]  // ConnectionRegistry
        channels[ObjectIdentifier(channel)] = channel
        let inFlight = InFlightRequests()
        inFlight.end(inFlight.begin(method: "GET", target: "/", requestID: "", started: .now()))
        var options = ChannelOptions.Storage()  // each connection's bootstrap
        options.append(key: .maxMessagesPerRead, value: 16)
        options.append(key: .tcpOption(.tcp_nodelay), value: 1)
        _ = try? SocketAddress(ipAddress: "127.0.0.1", port: 80)
        // A pipeline checks what each handler is; the embedded one above had no connection handler.
        _ = (HTTPConnectionHandler.self as Any.Type) as? any _ChannelInboundHandler.Type
        _ = (HTTPConnectionHandler.self as Any.Type) as? any _ChannelOutboundHandler.Type
    }
}
