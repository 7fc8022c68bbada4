import HTTPTypes
import NIOCore
import SwiftcornApp

extension HTTPConnectionHandler {
    /// Answers `status` and closes: used for requests the server refuses before the application sees them.
    func refuse(_ status: HTTPResponse.Status, context: ChannelHandlerContext) {
        self.closeWhenIdle = true
        self.refused = true
        self.timer.cancel()
        let response = ResponseHeadEncoder.errorResponse(status, date: HTTPDateCache.current.value, allocator: context.channel.allocator)
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(self.wrapOutboundOut(response)).whenComplete { _ in
            loopBoundContext.value.close(mode: .output, promise: nil)
        }
        // Unread bytes in the socket would turn the close into a reset that can destroy the
        // response before the client reads it; half-close and let the client close.
        self.active?.bodySource?.finish(HTTPError(status))
        if let active = self.active {
            // A request refused after it reached the app (a body over the limit, a broken chunk)
            // ends here: measured and logged like any other, with the refusal as its status.
            if !active.responseEnded {
                self.recordEnd(of: active, status: active.responseStarted ? nil : Int(status.code))
            }
            self.settings.inFlight.end(active.flightKey)
        }
        self.active = nil
        self.parser.stop()
        self.armTimer(after: .seconds(2), expiry: .linger)
    }
}
