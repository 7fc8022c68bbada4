import CSwiftcornSystem
import SwiftcornSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Accepts connections on the inherited listening sockets, on a thread of its own, and hands
/// each to the event loops.
///
/// Every worker waits on the same sockets; all wake for a connection, one wins, the others see
/// `EAGAIN`. After each accept the acceptor waits until its event loop has set the connection up
/// before it competes again, so a busy worker accepts more slowly and connections go to the
/// workers with time for them, as when the event loop accepts itself. Without that wait one
/// worker took all 64 connections of a `wrk -c64` run; `EPOLLEXCLUSIVE` does the same, since it
/// wakes the most recent waiter. At `worker_connections` the acceptor stops watching the sockets and the kernel's
/// backlog holds new connections for workers with room. NIO's own server channel is not used
/// because it asserts that it is the only reader of its socket.
final class SocketAcceptor: Sendable {
    private let listeners: [Listener]
    let registry: ConnectionRegistry
    private let handOff: @Sendable (Int32, Listener, _ done: @escaping @Sendable () -> Void) -> Void
    let epoll: Int32
    private let wake: Int32
    /// Signalled by the event loop when a handed-off connection is set up.
    private let handedOff: Int32
    /// Where a retiring worker passes its connections (see ``ConnectionHandover``), or -1.
    let handoverListener: Int32
    let stopping = Atomic<Bool>(false)

    init(
        listeners: [Listener],
        handoverListener: Int32,
        registry: ConnectionRegistry,
        handOff: @escaping @Sendable (Int32, Listener, _ done: @escaping @Sendable () -> Void) -> Void
    ) {
        self.listeners = listeners
        self.handoverListener = handoverListener
        self.registry = registry
        self.handOff = handOff
        if handoverListener >= 0 {
            // Until the receiving end is closed (``closeHandovers(_:)``).
            registry.pin()
        }
        self.epoll = cswiftcorn_epoll_create()
        self.wake = cswiftcorn_eventfd(0)
        self.handedOff = cswiftcorn_eventfd(1)
        _ = cswiftcorn_epoll_add(self.epoll, self.wake, 0)
        registry.onCapacity { [wake] in
            var one: UInt64 = 1
            _ = Glibc.write(wake, &one, 8)
        }
    }

    /// Starts the accepting thread.
    func start() {
        DetachedThread.start { self.run() }
    }

    /// Stops accepting; the thread closes this worker's copies of the listening sockets and ends.
    func stop() {
        self.stopping.store(true, ordering: .releasing)
        var one: UInt64 = 1
        _ = Glibc.write(self.wake, &one, 8)
    }

    private func run() {
        var watching = false
        func watch(_ on: Bool) {
            guard on != watching else { return }
            watching = on
            for listener in self.listeners {
                if on {
                    _ = cswiftcorn_epoll_add(self.epoll, listener.fileDescriptor, 0)
                } else {
                    _ = cswiftcorn_epoll_remove(self.epoll, listener.fileDescriptor)
                }
            }
        }
        watch(true)
        var handoverStreams: Set<Int32> = []  // streams retiring workers opened to this one
        if self.handoverListener >= 0 {
            _ = cswiftcorn_epoll_add(self.epoll, self.handoverListener, 0)
        }
        while !self.stopping.load(ordering: .acquiring) {
            let ready = cswiftcorn_epoll_wait_one(self.epoll, -1)
            if self.stopping.load(ordering: .acquiring) { break }
            if ready == self.handoverListener {
                self.acceptHandovers(into: &handoverStreams)
                continue
            }
            if handoverStreams.contains(ready) {
                self.receiveConnections(on: ready, streams: &handoverStreams)
                continue
            }
            if ready == self.wake {
                var count: UInt64 = 0
                _ = Glibc.read(self.wake, &count, 8)
                watch(self.registry.hasCapacity)
                continue
            }
            guard ready > 0, let listener = self.listeners.first(where: { $0.fileDescriptor == ready }) else { continue }
            guard self.registry.tryReserve() else {
                watch(false)
                // A connection may have closed between the refusal and now; its wake-up is in the eventfd.
                continue
            }
            // Non-blocking (set by the worker server): losing the race to another worker is EAGAIN.
            let connection = cswiftcorn_accept(listener.fileDescriptor)
            if connection < 0 {
                let error = errno
                self.registry.release()
                if error == EMFILE || error == ENFILE {
                    // Out of descriptors: back off instead of spinning on a socket that stays readable.
                    usleep(10_000)
                }
                continue
            }
            self.serve(connection, from: listener)
        }
        watch(false)
        for listener in self.listeners {
            close(listener.fileDescriptor)
        }
        self.closeHandovers(&handoverStreams)
    }

    /// Hands `connection`, which holds a reserved place, to an event loop and, when it was
    /// accepted here, waits until it is set up.
    func serve(_ connection: Int32, from listener: Listener) {
        guard !listener.isPassedConnection else {
            // A passed connection is this worker's whatever the event loop's load, and waiting
            // for each would hand a retiring worker's connections over one context switch
            // pair at a time, with their requests waiting in the kernel.
            self.handOff(connection, listener) {}
            return
        }
        let handedOff = self.handedOff
        self.handOff(connection, listener) {
            var one: UInt64 = 1
            _ = Glibc.write(handedOff, &one, 8)
        }
        var done: UInt64 = 0
        _ = Glibc.read(self.handedOff, &done, 8)
    }
}

extension SocketAcceptor {
    /// A listening socket and whether it is TCP (Unix sockets take no TCP options).
    struct Listener: Sendable {
        let fileDescriptor: Int32
        let isTCP: Bool

        /// Whether this stands for a retiring worker that passed the connection (no socket of
        /// this worker's accepted it).
        var isPassedConnection: Bool { self.fileDescriptor < 0 }

        /// What a connection passed by a retiring worker came from.
        static func passedConnection(isTCP: Bool) -> Listener {
            Listener(fileDescriptor: -1, isTCP: isTCP)
        }

        /// Whether the socket `descriptor` is a TCP (not a Unix) socket.
        static func isTCP(_ descriptor: Int32) -> Bool {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            return named == 0 && Int32(address.ss_family) != AF_UNIX
        }
    }
}

/// Receiving the connections a retiring worker passes on (see ``ConnectionHandover``), on the
/// acceptor's thread, like accepted ones.
extension SocketAcceptor {
    /// Stops receiving connections without losing one: new senders are refused, streams
    /// already connected are accepted, every stream is shut for reading, so a sender's next pass
    /// fails and it keeps that connection, and what was passed before is served here (and
    /// drains with this worker). The registry stays pinned until then, so the worker cannot
    /// exit with passed connections still in a stream.
    func closeHandovers(_ streams: inout Set<Int32>) {
        guard self.handoverListener >= 0 else { return }
        shutdown(self.handoverListener, Int32(SHUT_RD))
        self.acceptHandovers(into: &streams)
        close(self.handoverListener)
        for stream in streams {
            shutdown(stream, Int32(SHUT_RD))
            self.receiveConnections(on: stream, streams: &streams, evenWhenStopping: true)
            close(stream)
        }
        streams.removeAll()
        self.registry.unpin()
    }

    /// Accepts the streams waiting on the handover socket into `streams` (the acceptor thread's);
    /// only processes of this worker's own user may pass connections, since the abstract socket
    /// has no file permissions.
    func acceptHandovers(into streams: inout Set<Int32>) {
        while true {
            let stream = cswiftcorn_accept(self.handoverListener)
            guard stream >= 0 else { return }
            guard ConnectionHandover.peer(of: stream)?.uid == geteuid() else {
                close(stream)
                continue
            }
            streams.insert(stream)
            _ = cswiftcorn_epoll_add(self.epoll, stream, 0)
        }
    }

    /// Serves every connection waiting on `stream`; closes the stream at its end.
    func receiveConnections(on stream: Int32, streams: inout Set<Int32>, evenWhenStopping: Bool = false) {
        while evenWhenStopping || !self.stopping.load(ordering: .acquiring) {
            let connection = cswiftcorn_receive_descriptor(stream)
            if connection == -EAGAIN { return }
            if connection == -ENOMSG { continue }
            guard connection >= 0 else {
                if evenWhenStopping { return }
                _ = cswiftcorn_epoll_remove(self.epoll, stream)
                close(stream)
                streams.remove(stream)
                return
            }
            // Even beyond worker_connections: closing it could lose a request already sent.
            self.registry.reserveBeyondLimit()
            self.serve(connection, from: .passedConnection(isTCP: Listener.isTCP(connection)))
        }
    }
}
