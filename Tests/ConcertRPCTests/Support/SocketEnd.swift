@testable import ConcertRPC
import NIOCore

/// The socket end of a test pipeline: counts the reads, flushes and close-after-flush requests
/// that reach it.
final class SocketEnd: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer

    private(set) var reads = 0
    private(set) var flushes = 0
    private(set) var closeRequests = 0

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if event is CloseAfterFlushing { closeRequests += 1 }
        context.triggerUserOutboundEvent(event, promise: promise)
    }

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }

    func flush(context: ChannelHandlerContext) {
        flushes += 1
        context.flush()
    }
}
