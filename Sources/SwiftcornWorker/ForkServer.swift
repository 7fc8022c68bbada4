import CSwiftcornSystem
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
public enum ForkServer {
    /// Whether the master started this process as its fork server.
    public static var isForkServer: Bool {
        WorkerLaunch.startedAsForkServer()
    }

    /// Serves the master's fork requests until the master closes the socket; forked workers
    /// serve `makeResponder`'s application instead of returning.
    public static func run(hooks: ServerHooks = ServerHooks(), makeResponder: (ServerConfiguration) throws -> any Responder) -> Never {
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
