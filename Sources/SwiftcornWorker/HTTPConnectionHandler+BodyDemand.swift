import NIOCore
import SwiftcornApp

extension HTTPConnectionHandler {
    /// Callbacks from the body's consumer, which may run on any thread, brought back to the loop.
    func makeBodyDemand(context: ChannelHandlerContext, generation: Int) -> RequestBodyDemand {
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        return RequestBodyDemand(
            onProduceMore: {
                loop.execute { handler.value.bodyDemandResumed(generation: generation) }
            },
            onTermination: {
                loop.execute { handler.value.bodyConsumerGone(generation: generation) }
            }
        )
    }

    private func bodyDemandResumed(generation: Int) {
        guard self.active?.generation == generation else { return }
        self.bodyBackpressure = false
        self.resumeReadsIfPossible()
    }

    /// The application dropped the body before its end: what still arrives is discarded.
    private func bodyConsumerGone(generation: Int) {
        guard self.active?.generation == generation else { return }
        self.active?.bodySource = nil
        self.bodyBackpressure = false
        self.resumeReadsIfPossible()
    }
}
