import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import SwiftcornConfig

extension ForkServer {
    /// Decodes one request through the first handlers of a connection's pipeline, on an
    /// `EmbeddedChannel` (it runs on the calling thread, so no thread is started), so the Swift
    /// metadata and conformances they need are built here once instead of in every worker.
    static func warmUp(_ configuration: ServerConfiguration) {
        _ = Logger(label: "swiftcorn.worker")
        // Commits NIO's default (singletons on), as every worker does on first use; on the way it
        // builds the metadata of NIO's global atomics, which setting the loop count in each
        // worker would otherwise pay for (a few percent of a forked worker's start).
        _ = NIOSingletons.singletonsEnabledSuggestion
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        do {
            try channel.pipeline.syncOperations.addHandler(RequestLineGuard())
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
            try channel.writeInbound(ByteBuffer(string: "GET /warm-up HTTP/1.1\r\nHost: localhost\r\nUser-Agent: swiftcorn\r\n\r\n"))
            while let _ = try channel.readInbound(as: HTTPServerRequestPart.self) {}
        } catch {
            // A warm-up that fails leaves the workers to build what it would have.
        }
    }
}
