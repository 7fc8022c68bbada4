import CSwiftcornSystem

#if canImport(Glibc)
import Glibc
#endif

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
