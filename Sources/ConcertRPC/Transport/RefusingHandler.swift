internal import ConcertProtocol
internal import NIOCore

/// The whole pipeline of a connection beyond `--max-connections`: one id-0 answer,
/// UNAVAILABLE / TOO_MANY_CONNECTIONS, then the connection closes (hard after `grace`).
final class RefusingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let grace: Duration

    init(grace: Duration) {
        self.grace = grace
    }

    func channelActive(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 128)
        ResponseFrame.write(
            id: 0,
            failure: RPCError(
                code: .unavailable, reason: .tooManyConnections,
                message: "The server holds as many connections as it allows; retry later or elsewhere."),
            into: &buffer)
        context.closeAfterFlushing(buffer, within: grace)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
