import NIOCore
import SwiftcornConfig
import SwiftcornHTTP

/// The per-connection settings every connection handler of a worker shares.
struct HTTPServerSettings: Sendable {
    let limitRequestLine: Int
    let limitRequestFields: Int
    let limitRequestFieldSize: Int
    let maxBodySize: Int
    let keepalive: TimeAmount
    let headerTimeout: TimeAmount
    let workerIndex: Int

    init(configuration: ServerConfiguration, workerIndex: Int) {
        self.limitRequestLine = configuration.limitRequestLine
        self.limitRequestFields = configuration.limitRequestFields
        self.limitRequestFieldSize = configuration.limitRequestFieldSize
        self.maxBodySize = configuration.maxBodySize
        self.keepalive = TimeAmount(configuration.keepalive)
        self.headerTimeout = TimeAmount(configuration.headerTimeout)
        self.workerIndex = workerIndex
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
