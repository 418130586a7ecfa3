import ConcertProtocol
import NIOCore

/// The client end of one connection's pipeline, after the frame decoder: hands each
/// response envelope to the call waiting for its id, fails every waiting call when the
/// connection breaks, and coalesces the callers' flushes into one per event-loop turn.
final class ResponseHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let pending: PendingCalls
    private var flushScheduled = false

    init(pending: PendingCalls) {
        self.pending = pending
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let response: ResponseEnvelope
        do {
            response = try ResponseEnvelope(buffer: unwrapInboundIn(data))
        } catch {
            pending.failAll(.malformedResponse("\(error)"))
            context.close(promise: nil)
            return
        }
        if response.id == 0 {
            pending.failAll(RPCError(code: response.code, reason: response.reason, message: response.message))
        } else {
            pending.complete(response.id, with: .success(response))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending.failAll(.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        pending.failAll(error is FrameError ? .malformedResponse("\(error)") : .connectionClosed)
        context.close(promise: nil)
    }

    /// Defers the flush until the writes already queued on the event loop have run, so a
    /// burst of concurrent calls leaves in one system call.
    func flush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            bound.value.handler.flushScheduled = false
            bound.value.context.flush()
        }
    }
}
