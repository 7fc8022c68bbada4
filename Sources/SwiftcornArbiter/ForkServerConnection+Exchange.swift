import Logging
import SwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

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
