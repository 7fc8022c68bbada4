import Logging
import NIOCore
import NIOEmbedded
import SwiftcornConfig
import SwiftcornApp

#if canImport(Glibc)
import Glibc
#endif

extension ForkServer {
    /// Serves one request through a connection handler on an `EmbeddedChannel` (it runs on
    /// the calling thread, so no thread is started), so the Swift metadata and conformances a
    /// worker's connections need are built here once instead of in every worker.
    static func warmUp(_ configuration: ServerConfiguration) {
        _ = Logger(label: "swiftcorn.worker")
        // Commits NIO's default (singletons on), as every worker does on first use; on the way it
        // builds the metadata of NIO's global atomics, which setting the loop count in each
        // worker would otherwise pay for (a few percent of a forked worker's start).
        _ = NIOSingletons.singletonsEnabledSuggestion
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        Self.warmUpConnection(channel, configuration)
        Self.warmUpWorkerStart(channel)
    }

    /// A pipeline checks what each handler is, and a request builds the types of its path:
    /// without this, each worker's first connections looked those conformances up (a scan of
    /// every conformance record per miss). The app is not called: it is built in the worker,
    /// and may start threads, which this process must not have.
    private static func warmUpConnection(_ channel: EmbeddedChannel, _ configuration: ServerConfiguration) {
        // No request budget: spending one would ask the master to retire a worker.
        var unbudgeted = configuration
        unbudgeted.maxRequests = 0
        let settings = HTTPServerSettings(
            configuration: unbudgeted,
            workerIndex: 0,
            pid: getpid(),
            accessLog: nil,
            inFlight: InFlightRequests(),
            instruments: WorkerInstruments(http: nil, statsd: nil),
            hooks: ServerHooks()
        )
        let handler = HTTPConnectionHandler(
            responder: WarmUpResponder(),
            settings: settings,
            logger: Logger(label: "swiftcorn.warm-up", factory: { _ in SwiftLogNoOpLogHandler() }),
            descriptor: -1
        )
        do {
            try channel.pipeline.syncOperations.addHandler(handler)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            try channel.writeInbound(ByteBuffer(string: "GET /warm-up HTTP/1.1\r\nHost: localhost\r\nUser-Agent: swiftcorn\r\n\r\n"))
            while try channel.readOutbound(as: ByteBuffer.self) != nil {}
        } catch {
            // A warm-up that fails leaves the workers to build what it would have.
        }
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
    }
}
