@testable import ConcertRPC
import NIOCore
import NIOEmbedded
import Testing

/// The flush coalescer: many flushes, one system call.
@Suite("Flush coalescer")
struct FlushCoalescerTests {
    private func makeChannel() throws -> (EmbeddedChannel, SocketEnd) {
        let socket = SocketEnd()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([socket, FlushCoalescer()])
        return (channel, socket)
    }

    @Test("flushes asked for during a read burst become one, when the burst completes")
    func duringReads() throws {
        let (channel, socket) = try makeChannel()
        channel.pipeline.fireChannelRead(ByteBuffer(string: "a"))
        for _ in 0..<5 {
            channel.write(ByteBuffer(string: "x"), promise: nil)
            channel.flush()
        }
        #expect(socket.flushes == 0)
        channel.pipeline.fireChannelReadComplete()
        #expect(socket.flushes == 1)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "x"))
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("flushes asked for outside reads become one, after the tasks already queued")
    func outsideReads() throws {
        let (channel, socket) = try makeChannel()
        for _ in 0..<5 {
            channel.embeddedEventLoop.execute {
                channel.write(ByteBuffer(string: "x"), promise: nil)
                channel.flush()
            }
        }
        channel.embeddedEventLoop.run()
        #expect(socket.flushes == 1)
        var written = 0
        while try channel.readOutbound(as: ByteBuffer.self) != nil { written += 1 }
        #expect(written == 5)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }
}
