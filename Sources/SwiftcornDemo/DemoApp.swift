import Swiftcorn
import SwiftcornLogging

#if canImport(Glibc)
import Glibc
#endif

/// The built-in `demo` app: endpoints to try the server, load it and break it on purpose.
///
/// | path | answer |
/// |---|---|
/// | `/` | `Hello` |
/// | `/echo` | the request body, with its content type |
/// | `/delay?ms=N` | waits N ms (at most 10 minutes), then answers |
/// | `/status/N` | status N |
/// | `/bytes/N` | N bytes |
/// | `/stream?chunks=N&size=M` | N chunks of M bytes, chunked |
/// | `/headers` | the request's header fields as JSON |
/// | `/worker` | the serving worker's index and pid as JSON |
/// | `/route/N/CODE` | status CODE under route `/route/N`: many routes for metrics benchmarks |
/// | `/count` | increments the app's swift-metrics counter `demo_counted_total` |
/// | `/fault/crash`, `/fault/hang`, `/fault/exit` | trap, block the event loop, exit — only with `--enable-fault-endpoints` |
///
/// All but `/echo` and `/delay` answer immediately, without a task.
package struct DemoApp: ImmediateResponder {
    let faultEndpointsEnabled: Bool
    let maxBodySize: Int

    /// The demo; `/fault/*` answers 404 unless `faultEndpointsEnabled`.
    package init(faultEndpointsEnabled: Bool, maxBodySize: Int) {
        self.faultEndpointsEnabled = faultEndpointsEnabled
        self.maxBodySize = maxBodySize
    }

    static let hello = ResponseBody(byteBuffer: ByteBuffer(string: "Hello"))
    static let pid = getpid()
    static let textFields: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
    /// An app instrument, to show swift-metrics flowing into the aggregate of all workers.
    static let counted = Counter(label: "demo_counted")

    package func respond(to request: Request, context: RequestContext) async throws -> Response {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true)
        switch segments.first {
        case "echo" where segments.count == 1:
            context.route = "/echo"
            return try await self.echo(request)
        case "delay" where segments.count == 1:
            context.route = "/delay"
            return try await Self.delay(request)
        default:
            guard let response = try self.respondImmediately(to: request, context: context) else {
                throw HTTPError(.notFound)
            }
            return response
        }
    }

    package func respondImmediately(to request: Request, context: RequestContext) throws -> Response? {
        let path = request.path
        if path == "/" {
            context.route = "/"
            return Response(status: .ok, headerFields: Self.textFields, body: Self.hello)
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        switch segments.first {
        case "echo" where segments.count == 1, "delay" where segments.count == 1:
            // These suspend: answered by respond(to:context:), in a task.
            return nil
        case "status" where segments.count == 2:
            context.route = "/status/:code"
            return try Self.status(segments[1])
        case "bytes" where segments.count == 2:
            context.route = "/bytes/:count"
            return try Self.bytes(segments[1], allocator: context.allocator)
        case "stream" where segments.count == 1:
            context.route = "/stream"
            return try Self.stream(request)
        case "worker" where segments.count == 1:
            context.route = "/worker"
            return Response(
                status: .ok,
                headerFields: [.contentType: "application/json"],
                body: ResponseBody(string: "{\"worker\":\(context.workerIndex),\"pid\":\(Self.pid)}\n")
            )
        case "route" where segments.count == 3:
            context.route = "/route/\(segments[1])"
            return try Self.status(segments[2])
        case "count" where segments.count == 1:
            context.route = "/count"
            Self.counted.increment()
            return Response(status: .ok, headerFields: Self.textFields, body: Self.hello)
        case "headers" where segments.count == 1:
            context.route = "/headers"
            return Self.headers(request)
        case "fault" where segments.count == 2 && self.faultEndpointsEnabled:
            context.route = "/fault/:kind"
            return try Fault.trigger(String(segments[1]), logger: context.logger)
        default:
            throw HTTPError(.notFound)
        }
    }

    private func echo(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: self.maxBodySize)
        var fields = HTTPFields()
        fields[.contentType] = request.headerFields[.contentType] ?? "application/octet-stream"
        return Response(status: .ok, headerFields: fields, body: ResponseBody(byteBuffer: body))
    }

    private static func delay(_ request: Request) async throws -> Response {
        let milliseconds = try Self.integer(request.queryValue("ms") ?? "0", name: "ms", in: 0...600_000)
        try await Task.sleep(for: .milliseconds(milliseconds))
        return Response(status: .ok, headerFields: Self.textFields, body: ResponseBody(string: "slept \(milliseconds) ms\n"))
    }

    private static func status(_ text: Substring) throws -> Response {
        let code = try Self.integer(text, name: "status", in: 200...599)
        let status = HTTPResponse.Status(code: code)
        return Response(status: status, headerFields: Self.textFields, body: ResponseBody(string: "\(code) \(status.reasonPhraseOrStandard)\n"))
    }

    private static func bytes(_ text: Substring, allocator: ByteBufferAllocator) throws -> Response {
        let count = try Self.integer(text, name: "count", in: 0...(64 << 20))
        var buffer = allocator.buffer(capacity: count)
        buffer.writeRepeatingByte(UInt8(ascii: "x"), count: count)
        return Response(status: .ok, headerFields: [.contentType: "application/octet-stream"], body: ResponseBody(byteBuffer: buffer))
    }

    private static func stream(_ request: Request) throws -> Response {
        let chunks = try Self.integer(request.queryValue("chunks") ?? "10", name: "chunks", in: 0...100_000)
        let size = try Self.integer(request.queryValue("size") ?? "1024", name: "size", in: 1...(1 << 20))
        let body = ResponseBody.stream { writer in
            var chunk = ByteBuffer()
            chunk.writeRepeatingByte(UInt8(ascii: "s"), count: size)
            for _ in 0..<chunks {
                try await writer.write(chunk)
            }
        }
        return Response(status: .ok, headerFields: [.contentType: "application/octet-stream"], body: body)
    }

    private static func headers(_ request: Request) -> Response {
        var json = JSONLineWriter()
        for field in request.headerFields {
            json.field(dynamicKey: field.name.canonicalName, field.value)
        }
        return Response(
            status: .ok,
            headerFields: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: json.finish()))
        )
    }

    private static func integer(_ text: Substring, name: String, in range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw HTTPError(.badRequest, message: "\(name) must be an integer in \(range.lowerBound)...\(range.upperBound)\n")
        }
        return value
    }
}

/// Deliberate failures, to watch the master contain them.
enum Fault {
    static func trigger(_ kind: String, logger: Logger) throws -> Response {
        switch kind {
        case "crash":
            logger.warning("fault endpoint: trapping this worker")
            fatalError("fault endpoint /fault/crash")
        case "hang":
            logger.warning("fault endpoint: blocking this worker's event loop")
            // Blocks the thread the request runs on, the event loop: the worker stops answering
            // and its heartbeat stops, which is what a hung application looks like.
            while true {
                sleep(1)
            }
        case "exit":
            logger.warning("fault endpoint: exiting this worker")
            exit(1)
        default:
            throw HTTPError(.notFound)
        }
    }
}

/// The demo's server hooks: marks slow requests in the access log (an example of
/// ``ServerHooks/postRequest``).
package enum DemoHooks {
    package static func make() -> ServerHooks {
        var hooks = ServerHooks()
        hooks.postRequest = { summary in
            if summary.duration >= .seconds(1) {
                summary.addField("slow", "true")
            }
        }
        return hooks
    }
}
