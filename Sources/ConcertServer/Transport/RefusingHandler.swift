import ConcertProtocol
import NIOCore

/// The whole pipeline of a connection beyond `--max-connections`: one id-0 answer,
/// UNAVAILABLE / TOO_MANY_CONNECTIONS, then the connection closes (hard after `grace`).
final class RefusingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let grace: Duration

    init(grace: Duration) {
        self.grace = grace
    }

    func channelActive(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 128)
        FrameParser.writeFrame(
            ResponseEnvelope(
                0,
                failure: RPCError(
                    code: .unavailable, reason: .tooManyConnections,
                    message: "The server holds as many connections as it allows; retry later or elsewhere.")),
            into: &buffer)
        let channel = context.channel
        let hardClose = context.eventLoop.scheduleTask(in: TimeAmount(grace)) { channel.close(promise: nil) }
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            hardClose.cancel()
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
