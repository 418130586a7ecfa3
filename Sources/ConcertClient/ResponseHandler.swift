import ConcertProtocol
import NIOCore

/// The client end of one connection's pipeline, after the frame decoder and the flush coalescer:
/// hands each response to the call waiting for its id, and fails every waiting call when the
/// connection breaks.
final class ResponseHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let pending: PendingCalls

    init(pending: PendingCalls) {
        self.pending = pending
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let response = IncomingResponse(unwrapInboundIn(data)) else {
            pending.failAll(.malformedResponse("a frame is not a valid concert.v1.ResponseEnvelope"))
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
}
