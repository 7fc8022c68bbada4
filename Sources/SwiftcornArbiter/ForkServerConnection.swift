import Logging
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// The master's end of a fork server (see `ForkServer` in SwiftcornWorker): starts it on first
/// use, asks it for workers, and gives it up for good on its first failure, after which the
/// spawner executes workers itself.
///
/// A request blocks the master until the answer, which takes well under a millisecond once the
/// server runs (the first one waits for it to boot); ``answerTimeout`` bounds it.
/// Confined to the master's main thread; not `Sendable`.
final class ForkServerConnection {
    private enum State {
        case idle
        case running(pid: pid_t, socket: Int32)
        case failed
    }

    /// The longest wait for an answer, including the server's own boot on the first request.
    static let answerTimeout: Int32 = 5000

    private var state = State.idle
    private let logger: Logger

    /// A connection whose server is started on first use.
    init(logger: Logger) {
        self.logger = logger
    }

    deinit {
        if case .running(_, let socket) = self.state {
            // The server exits when it reads the end of the stream; the master reaps it.
            close(socket)
        }
    }

    /// Closes the connection: the server exits when it reads the end of the stream, to be reaped
    /// with the other children.
    func release() {
        guard case .running(_, let socket) = self.state else { return }
        self.state = .failed
        close(socket)
    }

    /// Closes the connection and waits for the server to exit, as it does at once; after a
    /// second, kills it.
    func stop() {
        guard case .running(let pid, _) = self.state else { return }
        self.release()
        var status: Int32 = 0
        let deadline = ContinuousClock.now + .seconds(1)
        while waitpid(pid, &status, WNOHANG) == 0 {
            guard ContinuousClock.now < deadline else {
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return
            }
            usleep(1000)
        }
    }

    /// Whether `pid`, a child the master reaped, was this server; it is then given up (its pid
    /// may be reused from now on, so it is never signalled again).
    func exited(pid: pid_t, status: ProcessExitStatus) -> Bool {
        guard case .running(pid, let socket) = self.state else { return false }
        close(socket)
        _ = self.giveUp(reason: "it exited (\(status))")
        return true
    }

    /// Asks for the worker `request` describes; its pid, or `nil` when the server is not usable
    /// and the worker must be executed instead. `start` spawns the server on the descriptor it
    /// is given and returns its pid.
    func fork(_ request: ForkRequest, start: (_ serverSocket: Int32) throws(SystemCallError) -> pid_t) -> pid_t? {
        let pid: pid_t
        let socket: Int32
        switch self.state {
        case .failed:
            return nil
        case .running(let running, let descriptor):
            (pid, socket) = (running, descriptor)
        case .idle:
            do {
                (pid, socket) = try Self.launch(start)
            } catch {
                return self.giveUp(reason: "\(error)")
            }
            self.state = .running(pid: pid, socket: socket)
        }
        switch Self.exchange(request, on: socket) {
        case .success(let worker):
            return worker
        case .failure(let error):
            Self.abandon(pid: pid, socket: socket, logger: self.logger)
            return self.giveUp(reason: ForkRequest.Refusal(errno: error.errno)?.reason ?? "\(error)")
        }
    }

    private func giveUp(reason: String) -> pid_t? {
        self.state = .failed
        self.logger.warning("fork server failed; workers are executed instead", metadata: ["reason": "\(reason)"])
        return nil
    }
}

/// The socket side of a fork server: starting it, one request and its answer, giving it up.
extension ForkServerConnection {
    /// Kills a server that failed, and every worker it may still have forked for a request the
    /// master gave up on: such a worker would serve under a pid and slots nobody tracks. Each
    /// worker sends its own pid and holds the socket until it starts, so the end of the stream
    /// means none is left unreported.
    static func abandon(pid: pid_t, socket: Int32, logger: Logger) {
        kill(pid, SIGKILL)
        let deadline = ContinuousClock.now + .seconds(2)
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        while ContinuousClock.now < deadline, poll(&descriptor, 1, 100) >= 0 {
            guard descriptor.revents != 0 else { continue }
            var answer: Int64 = 0
            let received = withUnsafeMutableBytes(of: &answer) { recv(socket, $0.baseAddress, $0.count, 0) }
            guard received == MemoryLayout<Int64>.size else { break }
            if answer > 0 {
                logger.warning("killing a worker forked after its request was given up", metadata: ["worker_pid": "\(answer)"])
                kill(pid_t(answer), SIGKILL)
            }
        }
        close(socket)
    }

    static func launch(_ start: (Int32) throws(SystemCallError) -> pid_t) throws(SystemCallError) -> (pid_t, Int32) {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw SystemCallError("socketpair")
        }
        defer { close(pair[1]) }
        do {
            return (try start(pair[1]), pair[0])
        } catch {
            close(pair[0])
            throw error
        }
    }

    /// Sends `request` and waits for the answer: the worker's pid.
    static func exchange(_ request: ForkRequest, on socket: Int32) -> Result<pid_t, SystemCallError> {
        var words = request.words
        let sent = withUnsafeBytes(of: &words) { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == ForkRequest.size else { return .failure(SystemCallError("send", subject: "fork server")) }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Self.answerTimeout) == 1 else {
            return .failure(SystemCallError("poll", subject: "fork server", errno: ETIMEDOUT))
        }
        var answer: Int64 = 0
        let received = withUnsafeMutableBytes(of: &answer) { recv(socket, $0.baseAddress, $0.count, 0) }
        guard received == MemoryLayout<Int64>.size else {
            return .failure(SystemCallError("recv", subject: "fork server", errno: received == 0 ? ECONNRESET : errno))
        }
        guard answer > 0 else { return .failure(SystemCallError("fork", subject: "fork server", errno: Int32(-answer))) }
        return .success(pid_t(answer))
    }
}
