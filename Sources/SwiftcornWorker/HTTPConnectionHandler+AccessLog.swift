import NIOCore
import NIOHTTP1
import SwiftcornLogging

#if canImport(Glibc)
import Glibc
#endif

extension HTTPConnectionHandler {
    /// Hands the access record of `request` to the log writer; `status` `nil` means the client
    /// went away before the response was complete (499, as nginx records it).
    func logAccess(_ request: ActiveRequest, status: Int?) {
        guard let accessLog = self.settings.accessLog else { return }
        let head = request.head
        let (path, query) = Self.splitTarget(head.uri)
        let elapsed = NIODeadline.now() - request.started
        let record = AccessRecord(
            timestampMicroseconds: WallClock.microseconds(),
            method: head.method.rawValue,
            path: path,
            query: query,
            route: request.route,
            status: status ?? 499,
            durationMicroseconds: elapsed.nanoseconds / 1000,
            bytesIn: request.bodyBytes,
            bytesOut: request.bytesOut,
            remoteAddress: request.clientAddress,
            userAgent: request.userAgent,
            referer: request.referer,
            requestID: request.requestID,
            httpVersion: head.version.minor == 0 ? "1.0" : "1.1",
            host: request.host,
            worker: self.settings.workerIndex,
            pid: self.settings.pid
        )
        accessLog.submit(.access(record))
    }

    private static func splitTarget(_ target: String) -> (String, String) {
        guard let question = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (target, "") }
        return (String(target[..<question]), String(target[target.utf8.index(after: question)...]))
    }
}
