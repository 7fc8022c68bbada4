import NIOCore
import SwiftcornApp
import SwiftcornLogging

#if canImport(Glibc)
import Glibc
#endif

extension HTTPConnectionHandler {
    /// Measures the end of `request`, at `now`, and hands its access record to the log writer;
    /// `status` `nil` means the client went away before the response was complete (499, as
    /// nginx records it).
    func recordEnd(of request: ActiveRequest, status: Int?, now: NIODeadline = .now()) {
        let elapsed = now - request.started
        let nanoseconds = UInt64(max(elapsed.nanoseconds, 0))
        let status = status ?? 499
        self.settings.metrics?.requestFinished(
            method: request.method,
            status: status,
            route: request.route,
            durationNanoseconds: nanoseconds,
            bodyBytes: request.bytesOut
        )
        self.settings.statsd?.recordRequest(status: status, duration: .nanoseconds(Int64(nanoseconds)))
        let postRequest = self.settings.hooks.postRequest
        // Without a log or a hook, the target is not even split.
        guard postRequest != nil || self.settings.accessLog != nil else { return }
        let (path, query) = Self.splitTarget(request.target)
        var extraFields: [AccessField] = []
        if let postRequest {
            let summary = RequestSummary(
                method: request.method,
                path: path,
                route: request.route,
                status: status,
                duration: .nanoseconds(Int64(nanoseconds)),
                bytesOut: request.bytesOut,
                requestID: request.requestID,
                workerIndex: self.settings.workerIndex
            )
            postRequest(summary)
            extraFields = summary.extraFields.map { AccessField(key: $0.key, value: $0.value) }
        }
        guard let accessLog = self.settings.accessLog else { return }
        var record = AccessRecord(
            timestampMicroseconds: WallClock.microseconds(),
            method: request.method,
            path: path,
            query: query,
            route: request.route,
            status: status,
            durationMicroseconds: elapsed.nanoseconds / 1000,
            bytesIn: request.bodyBytes,
            bytesOut: request.bytesOut,
            remoteAddress: request.clientAddress,
            userAgent: request.userAgent,
            referer: request.referer,
            requestID: request.requestID,
            httpVersion: request.isHTTP10 ? "1.0" : "1.1",
            host: request.host,
            worker: self.settings.workerIndex,
            pid: self.settings.pid
        )
        record.extraFields = extraFields
        accessLog.submit(.access(record))
    }

    private static func splitTarget(_ target: String) -> (String, String) {
        guard let question = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (target, "") }
        return (String(target[..<question]), String(target[target.utf8.index(after: question)...]))
    }
}
