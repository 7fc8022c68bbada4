import CSwiftcornSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Passes a retiring worker's keep-alive connections to the worker that replaces it, so the
/// clients keep their connections instead of reconnecting.
///
/// Each worker listens on an abstract Unix socket named after its pid (``socketName(pid:)``);
/// the master names the replacement when it tells a worker to stop. A connection is passed only
/// between two requests, with its response flushed and nothing of a next request read, so the
/// receiver starts reading exactly where the sender stopped. Passing needs no copy of the
/// descriptor: the message holds the socket open while the sender closes its own.
final class ConnectionHandover: Sendable {
    /// The worker that takes the connections.
    let successor: pid_t
    private let socket: Mutex<Int32>

    /// The abstract socket name of the worker `pid`'s receiving end.
    static func socketName(pid: pid_t) -> String {
        "swiftcorn-connections-\(pid)"
    }

    /// Connects to `successor`'s receiving end; `nil` when it does not listen (then connections
    /// are closed as usual), or when another process holds the name: abstract sockets have no
    /// permissions, so any local user could bind a predictable name first and be sent clients'
    /// connections.
    init?(successor: pid_t) {
        let descriptor = cswiftcorn_abstract_connect(Self.socketName(pid: successor))
        guard descriptor >= 0 else { return nil }
        guard let peer = Self.peer(of: descriptor), peer == (successor, geteuid()) else {
            close(descriptor)
            return nil
        }
        self.successor = successor
        self.socket = Mutex(descriptor)
    }

    /// The pid and user of the process at the other end of Unix socket `descriptor`.
    static func peer(of descriptor: Int32) -> (pid: pid_t, uid: uid_t)? {
        var pid: pid_t = 0
        var uid: uid_t = 0
        guard cswiftcorn_peer_credentials(descriptor, &pid, &uid) == 0 else { return nil }
        return (pid, uid)
    }

    deinit {
        self.socket.withLock { descriptor in
            if descriptor >= 0 { close(descriptor) }
        }
    }

    /// Passes the connection `descriptor`; false when the successor cannot take it, and the
    /// caller keeps serving it. After one failure every later call fails too.
    func pass(_ descriptor: Int32) -> Bool {
        self.socket.withLock { socket in
            guard socket >= 0 else { return false }
            if cswiftcorn_send_descriptor(socket, descriptor) == 0 { return true }
            // Gone, or its queue is full: the rest would fare no better.
            close(socket)
            socket = -1
            return false
        }
    }
}
