import CSwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

/// Receiving the connections a retiring worker passes on (see ``ConnectionHandover``), on the
/// acceptor's thread, like accepted ones.
extension SocketAcceptor {
    /// The streams retiring workers opened to this worker; confined to the acceptor's thread.
    struct HandoverStreams {
        var streams: Set<Int32> = []
    }

    /// Stops receiving connections without losing one: new senders are refused, streams
    /// already connected are accepted, every stream is shut for reading, so a sender's next pass
    /// fails and it keeps that connection, and what was passed before is served here (and
    /// drains with this worker). The registry stays pinned until then, so the worker cannot
    /// exit with passed connections still in a stream.
    func closeHandovers(_ handovers: inout HandoverStreams) {
        guard self.handoverListener >= 0 else { return }
        shutdown(self.handoverListener, Int32(SHUT_RD))
        self.acceptHandovers(into: &handovers)
        close(self.handoverListener)
        for stream in handovers.streams {
            shutdown(stream, Int32(SHUT_RD))
            self.receiveConnections(on: stream, streams: &handovers, evenWhenStopping: true)
            close(stream)
        }
        handovers.streams.removeAll()
        self.registry.unpin()
    }

    /// Accepts the streams waiting on the handover socket; only processes of this worker's own
    /// user may pass connections, since the abstract socket has no file permissions.
    func acceptHandovers(into handovers: inout HandoverStreams) {
        while true {
            let stream = cswiftcorn_accept(self.handoverListener)
            guard stream >= 0 else { return }
            guard ConnectionHandover.peer(of: stream)?.uid == geteuid() else {
                close(stream)
                continue
            }
            handovers.streams.insert(stream)
            _ = cswiftcorn_epoll_add(self.epoll, stream, 0)
        }
    }

    /// Serves every connection waiting on `stream`; closes the stream at its end.
    func receiveConnections(on stream: Int32, streams handovers: inout HandoverStreams, evenWhenStopping: Bool = false) {
        while evenWhenStopping || !self.stopping.load(ordering: .acquiring) {
            let connection = cswiftcorn_receive_descriptor(stream)
            if connection == -EAGAIN { return }
            if connection == -ENOMSG { continue }
            guard connection >= 0 else {
                if evenWhenStopping { return }
                _ = cswiftcorn_epoll_remove(self.epoll, stream)
                close(stream)
                handovers.streams.remove(stream)
                return
            }
            // Even beyond worker_connections: closing it could lose a request already sent.
            self.registry.reserveBeyondLimit()
            self.serve(connection, from: Listener(fileDescriptor: -1, isTCP: Listener.isTCP(connection)))
        }
    }
}
