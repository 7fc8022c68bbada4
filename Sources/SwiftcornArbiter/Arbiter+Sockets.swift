import Logging

extension Arbiter {
    /// The sockets systemd passed, or the `-b` addresses bound; `nil` (logged) when one cannot be.
    func listeningSockets() -> [ListeningSocket]? {
        if let handedOver = ListeningSocket.handedOver(binds: self.configuration.binds) {
            self.logger.info("binary upgrade: serving on the old master's sockets", metadata: ["count": "\(handedOver.count)"])
            return handedOver
        }
        if let activated = ListeningSocket.inherited() {
            self.logger.info(
                "listening on sockets passed by systemd",
                metadata: ["count": "\(activated.count)", "names": "\(activated.compactMap(\.activationName).joined(separator: ","))"]
            )
            return activated
        }
        var sockets: [ListeningSocket] = []
        for address in self.configuration.binds {
            do {
                sockets.append(try ListeningSocket.bind(address, backlog: self.configuration.backlog))
                self.logger.info("listening", metadata: ["address": "\(address)"])
            } catch {
                self.logger.critical("cannot listen", metadata: ["address": "\(address)", "error": "\(error)"])
                for socket in sockets { socket.closeAndUnlink() }
                return nil
            }
        }
        return sockets
    }
}
