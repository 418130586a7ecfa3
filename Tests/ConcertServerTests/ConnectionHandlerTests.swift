import ConcertProtocol
@testable import ConcertServer
import Logging
import NIOCore
import NIOEmbedded
import Testing

/// The connection handler driven byte by byte on an `EmbeddedChannel`.
@Suite("Connection handler")
struct ConnectionHandlerTests {
    /// Counts the reads that reach the socket end of the pipeline.
    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var reads = 0

        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    private func makeChannel() throws -> (EmbeddedChannel, ReadCounter) {
        let counter = ReadCounter()
        var logger = Logger(label: "embedded")
        logger.logLevel = .critical
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            counter,
            ByteToMessageHandler(FrameDecoder(maxFrameSize: 1024)),
            ConnectionHandler(
                dispatcher: Dispatcher(routes: [], logger: logger),
                limits: ConnectionLimits(
                    maxInFlight: 4, maxPendingBytes: 1 << 20, closeGrace: .seconds(1),
                    budget: RequestMemoryBudget(limit: 1 << 20)),
                logger: logger),
        ])
        return (channel, counter)
    }

    @Test("reading stops while the channel is not writable and resumes when it is")
    func readsFollowWritability() throws {
        let (channel, counter) = try makeChannel()
        channel.read()
        #expect(counter.reads == 1)
        channel.isWritable = false
        channel.read()
        #expect(counter.reads == 1)
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        #expect(counter.reads == 2)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("an idle connection with nothing running is closed")
    func idleConnection() throws {
        let (channel, _) = try makeChannel()
        channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        channel.embeddedEventLoop.run()
        #expect(!channel.isActive)
    }

    @Test("an oversized length prefix is answered with one id-0 frame and the channel closes")
    func oversizedFrame() throws {
        let (channel, _) = try makeChannel()
        try channel.writeInbound(ByteBuffer(bytes: [0x00, 0x00, 0x04, 0x01]))
        let frame = try #require(try channel.readOutbound(as: ByteBuffer.self))
        var buffer = frame
        let body = try #require(try FrameParser.nextFrame(in: &buffer, maxFrameSize: 1024))
        let answer = try ResponseEnvelope(buffer: body)
        #expect(answer.id == 0)
        #expect(answer.reason == "FRAME_TOO_LARGE")
        channel.embeddedEventLoop.run()
        #expect(!channel.isActive)
    }
}
