package import NIOCore

/// Turns many flushes into one system call: a flush asked for while the channel is reading is
/// made once the read burst completes, any other one after the tasks already queued on the
/// event loop have run (so the answers a writer's batch delivers leave together).
///
/// Shared by the server's and the client's pipelines; it sits on the byte side of the codec.
package final class FlushCoalescer: ChannelDuplexHandler {
    /// Bytes read from the socket, passed on unchanged.
    package typealias InboundIn = ByteBuffer
    /// Bytes written to the socket, passed on unchanged.
    package typealias OutboundIn = ByteBuffer

    private var reading = false
    private var flushAfterRead = false
    private var flushScheduled = false

    /// Creates the handler.
    package init() {}

    /// Notes that a read burst is under way and passes the bytes on.
    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        reading = true
        context.fireChannelRead(data)
    }

    /// Ends the read burst with the one flush asked for during it.
    package func channelReadComplete(context: ChannelHandlerContext) {
        reading = false
        if flushAfterRead {
            flushAfterRead = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    /// Defers the flush: to the end of the read burst, or after the tasks already queued on the event loop.
    package func flush(context: ChannelHandlerContext) {
        if reading {
            flushAfterRead = true
            return
        }
        guard !flushScheduled else { return }
        flushScheduled = true
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            bound.value.handler.flushScheduled = false
            bound.value.context.flush()
        }
    }
}
