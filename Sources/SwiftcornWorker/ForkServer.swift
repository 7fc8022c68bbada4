import CSwiftcornSystem
import Logging
import NIOCore
import NIOEmbedded
import SwiftcornApp
import SwiftcornConfig
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// The fork server: a single-threaded process of this binary, linked, loaded and configured once,
/// that forks every worker the master asks for.
///
/// Executing the binary afresh costs a worker about 9 ms of CPU before it serves (dynamic
/// linking, Swift metadata, decoding the configuration); a fork of this process skips all of it,
/// which is what makes recycling workers after `max_requests` cheap. A fork is safe only in a
/// process with one thread, so the server counts its threads before each fork and refuses when
/// there are more (the master then executes the binary instead).
///
/// Each worker is forked as the master's child (`CLONE_PARENT`), so the master reaps it like
/// any child it spawned itself, and runs on a new thread (see ``runOnFreshThread(_:)``).
package enum ForkServer {
    /// Whether the master started this process as its fork server.
    package static var isForkServer: Bool {
        WorkerLaunch.startedAsForkServer()
    }

    /// Serves the master's fork requests until the master closes the socket; forked workers
    /// serve `makeResponder`'s application instead of returning.
    package static func run(hooks: ServerHooks = ServerHooks(), makeResponder: (ServerConfiguration) throws -> any Responder) -> Never {
        if let bindNow = getenv("LD_BIND_NOW"), "LD_BIND_NOW=" + String(cString: bindNow) == WorkerLaunch.forkServerBindNow {
            unsetenv("LD_BIND_NOW")
        }
        // SIGKILL: every other signal is blocked here, for the workers to inherit the mask.
        _ = cswiftcorn_set_parent_death_signal(SIGKILL)
        guard let launch = WorkerLaunch.current, launch.role == .forkServer, getppid() == launch.masterPID else { exit(0) }
        let socket = launch.descriptors.forkServer
        // Nothing here may log: the error log's first use starts its writer thread, and a
        // process with two threads must not fork (every request would then be refused).
        // A configuration the server cannot read is refused per request: the master then
        // executes a worker, which reports the error through the usual boot failure.
        let configuration = try? ConfigurationCoding.decode(launch.settings)
        WorkerProcess.shareOneMallocArena()
        if let configuration { Self.warmUp(configuration) }
        // A descriptor the master did not hand over was opened by code that ran before
        // `Swiftcorn.main` (an app built in `main`'s argument): `closefrom` would pull it from
        // under the app in a forked worker, or every worker would share it.
        let allowed = [0, 1, 2] + launch.descriptors.inherited(forkServer: true)
        let foreignDescriptor = cswiftcorn_first_descriptor_not_in(allowed, Int32(allowed.count))
        while let request = Self.receive(on: socket) {
            let refusal: ForkRequest.Refusal? =
                if configuration == nil {
                    .configuration
                } else if foreignDescriptor >= 0 {
                    .descriptors
                } else if cswiftcorn_thread_count() != 1 {
                    .threads
                } else {
                    nil
                }
            if let refusal {
                Self.answer(-Int64(refusal.errno), on: socket)
                continue
            }
            switch cswiftcorn_fork_sibling() {
            case 0:
                // The worker answers itself: should this server die before it could, a master
                // giving it up still learns of every worker it forked (see `abandon`). A master
                // that stopped listening has given the slot to another worker.
                guard Self.answer(Int64(getpid()), on: socket) else { _exit(0) }
                Self.becomeWorker(request, of: launch)
                Self.runOnFreshThread {
                    WorkerProcess.run(hooks: hooks, makeResponder: makeResponder, decoded: configuration)
                }
            case let worker where worker < 0:
                Self.answer(-Int64(errno), on: socket)
            default:
                continue
            }
        }
        exit(0)
    }

    /// The next request; `nil` once the master has closed the socket.
    private static func receive(on socket: Int32) -> ForkRequest? {
        var words: (Int64, Int64, Int64) = (0, 0, 0)
        while true {
            let count = withUnsafeMutableBytes(of: &words) { recv(socket, $0.baseAddress, $0.count, 0) }
            if count == ForkRequest.size { return ForkRequest(words: words) }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }

    /// Sends `value`; whether the master's end took it.
    @discardableResult
    private static func answer(_ value: Int64, on socket: Int32) -> Bool {
        var value = value
        return withUnsafeBytes(of: &value) { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == MemoryLayout<Int64>.size
    }

    /// Turns the forked process into the worker `request` describes, as if the master had
    /// executed it: same descriptors, same environment, its own name.
    private static func becomeWorker(_ request: ForkRequest, of server: WorkerLaunch) {
        var launch = server
        launch.role = .worker(request.assignment)
        cswiftcorn_close_from(server.descriptors.firstClosed(forkServer: false))
        launch.export()
        Self.rename(worker: request.assignment.index)
        // A master that died since the request has no use for this worker.
        if getppid() != launch.masterPID { _exit(0) }
    }

    /// Rewrites the command line `ps` shows, `NAME: fork server`, as `NAME: worker N`: the two
    /// have the same length for any index up to 1024.
    private static func rename(worker index: Int) {
        guard let title = CommandLine.unsafeArgv[0] else { return }
        let capacity = strlen(title)
        let current = String(cString: title)
        let suffix = WorkerLaunch.forkServerTitle
        let name = current.hasSuffix(suffix) ? String(current.dropLast(suffix.count)) : current
        var bytes = "\(name): worker \(index)".utf8.makeIterator()
        for offset in 0..<capacity {
            title[offset] = CChar(bitPattern: bytes.next() ?? 0)
        }
    }
}

extension ForkServer {
    /// Runs `worker` on a new thread and parks the thread `fork` returned in for good.
    ///
    /// That thread carries the fork server's thread-local caches, among them the thread id
    /// that Swift's `Mutex` and `swift_once` write into a lock word. Under contention the
    /// kernel then finds the lock owned by a thread of another process: the waiter crashes
    /// ("Unknown error occurred while attempting to acquire a Mutex") or never wakes. A new
    /// thread starts with empty caches. The parked thread has every signal blocked, as the fork
    /// server has, so it takes no part in the worker's signal handling.
    ///
    /// The runtime still counts the parked thread as the main one: in a forked worker, code that
    /// checks for the main thread (`MainActor.assumeIsolated`) finds itself elsewhere, as it
    /// would on any event loop.
    static func runOnFreshThread(_ worker: () -> Never) -> Never {
        withoutActuallyEscaping(worker) { worker in
            let body = UncheckedWorkerBody(run: worker)
            guard DetachedThread.start({ body.run() }) else {
                // At the thread limit: a worker that may hang under lock contention is still
                // better than none.
                body.run()
            }
            while true {
                pause()
            }
        }
    }
}

/// The worker's body, handed to the thread that runs it while the thread that owns it parks.
private struct UncheckedWorkerBody: @unchecked Sendable {
    let run: () -> Never
}

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

/// Answers the fork server's warm-up request (see ``ForkServer``): an immediate `200`.
struct WarmUpResponder: ImmediateResponder {
    func respondImmediately(to request: Request, context: RequestContext) throws -> Response? {
        Response(status: .ok, body: .init(string: "ok"))
    }

    func respond(to request: Request, context: RequestContext) async throws -> Response {
        Response(status: .ok)
    }
}
