import ConcertProtocol
import NIOCore

/// The client end of one connection's pipeline, after the frame decoder and the flush coalescer:
/// hands each response to the call waiting for its id (each frame of a stream to its stream), notes a
/// server that says it is draining, and fails every waiting call and open stream when the connection breaks.
final class ResponseHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let pending: PendingCalls
    private let streams: PendingStreams
    private let drain: DrainNotice

    init(pending: PendingCalls, streams: PendingStreams, drain: DrainNotice) {
        self.pending = pending
        self.streams = streams
        self.drain = drain
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let response = IncomingResponse(unwrapInboundIn(data)) else {
            failAll(.malformedResponse("a frame is not a valid concert.v1.ResponseEnvelope"))
            context.close(promise: nil)
            return
        }
        drain.note(response)
        if response.id == 0 {
            failAll(RPCError(code: response.code, reason: response.reason, message: response.message))
        } else if response.streamMessage || streams.contains(response.id) {
            streams.deliver(response)
        } else {
            pending.complete(response.id, with: .success(response))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error is FrameError ? .malformedResponse("\(error)") : .connectionClosed)
        context.close(promise: nil)
    }

    private func failAll(_ error: RPCError) {
        pending.failAll(error)
        streams.failAll(error)
    }
}
