import HTTPTypes
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import SwiftcornApp
import SwiftcornConfig
import Synchronization
import Testing

@testable import SwiftcornWorker

/// An ``ImmediateResponder`` answers on the event loop without a task, or hands the request to
/// `respond(to:context:)` in one, with the same context and one `preRequest` call either way.
@Suite("ImmediateResponder: answers without a task")
struct ImmediateResponderTests {
    /// What the app saw, in order.
    final class Journal: Sendable {
        private let entries = Mutex<[String]>([])
        func add(_ entry: String) { self.entries.withLock { $0.append(entry) } }
        var all: [String] { self.entries.withLock { $0 } }
    }

    struct Failure: Error {}

    /// `/now` answers immediately, `/later` in a task, `/conflict` and `/broken` throw.
    struct SplitApp: ImmediateResponder {
        let journal: Journal
        /// The task that feeds the channel (the test's own): a responder running in it runs in
        /// no task of the server's.
        let callerTask = Self.currentTask

        func respondImmediately(to request: Request, context: RequestContext) throws -> Response? {
            self.journal.add("immediate \(request.path) new-task=\(Self.currentTask != self.callerTask)")
            switch request.path {
            case "/now":
                return Response(status: .ok, body: "now")
            case "/conflict":
                throw HTTPError(.conflict)
            case "/broken":
                throw Failure()
            default:
                context.route = "/later/:kept"
                return nil
            }
        }

        func respond(to request: Request, context: RequestContext) async throws -> Response {
            self.journal.add("task \(request.path) route=\(context.route ?? "none") new-task=\(Self.currentTask != self.callerTask)")
            return Response(status: .accepted, body: "later")
        }

        static var currentTask: Int? { withUnsafeCurrentTask { $0?.hashValue } }
    }

    /// A connection's pipeline around `SplitApp`, on an embedded loop.
    static func connection(_ journal: Journal) throws -> EmbeddedChannel {
        var hooks = ServerHooks()
        hooks.preRequest = { request, _ in journal.add("pre \(request.path)") }
        let settings = HTTPServerSettings(
            configuration: ServerConfiguration(),
            workerIndex: 1,
            pid: 1,
            accessLog: nil,
            inFlight: InFlightRequests(),
            instruments: WorkerInstruments(http: nil, statsd: nil),
            hooks: hooks
        )
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            HTTPConnectionHandler(
                responder: SplitApp(journal: journal),
                settings: settings,
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                descriptor: -1
            )
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    /// Sends a GET for `path`; returns the response's status line, read without running any
    /// task left on the loop: an answer here was written within the read.
    static func statusLine(_ channel: EmbeddedChannel, _ path: String) throws -> String? {
        try channel.writeInbound(ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: test\r\n\r\n"))
        var response = ""
        while let part = try channel.readOutbound(as: ByteBuffer.self) {
            response += String(buffer: part)
        }
        return response.split(separator: "\r\n").first.map(String.init)
    }

    @Test("an immediate answer is written within the read, outside any task")
    func immediateAnswer() throws {
        let journal = Journal()
        let channel = try Self.connection(journal)
        defer { _ = try? channel.finish() }
        #expect(try Self.statusLine(channel, "/now") == "HTTP/1.1 200 OK")
        #expect(journal.all == ["pre /now", "immediate /now new-task=false"])
    }

    @Test("nil hands the request to a task with the same context; preRequest runs once")
    func fallbackToTask() throws {
        let journal = Journal()
        let channel = try Self.connection(journal)
        defer { _ = try? channel.finish() }
        #expect(try Self.statusLine(channel, "/later") == "HTTP/1.1 202 Accepted")
        #expect(journal.all == ["pre /later", "immediate /later new-task=false", "task /later route=/later/:kept new-task=true"])
        // The connection goes on to the next request.
        #expect(try Self.statusLine(channel, "/now") == "HTTP/1.1 200 OK")
    }

    @Test("a thrown HTTPError answers its status, any other error 500")
    func thrownErrors() throws {
        let journal = Journal()
        let channel = try Self.connection(journal)
        defer { _ = try? channel.finish() }
        #expect(try Self.statusLine(channel, "/conflict") == "HTTP/1.1 409 Conflict")
        #expect(try Self.statusLine(channel, "/broken") == "HTTP/1.1 500 Internal Server Error")
        #expect(journal.all.filter { $0.hasPrefix("task") }.isEmpty)
    }
}
