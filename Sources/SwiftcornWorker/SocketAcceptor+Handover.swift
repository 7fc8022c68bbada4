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

    /// Stops receiving connections without losing one: no new stream is accepted, every open
    /// stream is shut for reading, so a sender's next pass fails and it keeps that connection,
    /// and what was passed before is served here (and drains with this worker).
    func closeHandovers(_ handovers: inout HandoverStreams) {
        guard self.handoverListener >= 0 else { return }
        close(self.handoverListener)
        for stream in handovers.streams {
            shutdown(stream, Int32(SHUT_RD))
            self.receiveConnections(on: stream, streams: &handovers, evenWhenStopping: true)
            close(stream)
        }
        handovers.streams.removeAll()
    }

    /// Accepts the streams waiting on the handover socket; only processes of this worker's own
    /// user may pass connections, since the abstract socket has no file permissions.
    func acceptHandovers(into handovers: inout HandoverStreams) {
        while true {
            let stream = cswiftcorn_accept(self.handoverListener)
            guard stream >= 0 else { return }
            guard cswiftcorn_peer_uid(stream) == Int(geteuid()) else {
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
            guard connection >= 0 else {
                if evenWhenStopping { return }
                _ = cswiftcorn_epoll_remove(self.epoll, stream)
                close(stream)
                handovers.streams.remove(stream)
                return
            }
            // Beyond worker_connections the connection is closed, as the sender would have.
            guard self.registry.tryReserve() else {
                close(connection)
                continue
            }
            self.serve(connection, from: Listener(fileDescriptor: -1, isTCP: Listener.isTCP(connection)))
        }
    }
}
