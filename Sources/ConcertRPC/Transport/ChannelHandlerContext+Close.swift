internal import NIOCore

extension ChannelHandlerContext {
    /// Writes `last`, flushes everything and closes the channel; if the flush has not completed
    /// within `grace` (the peer does not read), closes it hard, dropping what was not sent.
    func closeAfterFlushing(_ last: ByteBuffer, within grace: Duration) {
        let channel = self.channel
        let hardClose = eventLoop.scheduleTask(in: TimeAmount(grace)) { channel.close(promise: nil) }
        writeAndFlush(NIOAny(last)).whenComplete { _ in
            hardClose.cancel()
            channel.close(promise: nil)
        }
    }
}
