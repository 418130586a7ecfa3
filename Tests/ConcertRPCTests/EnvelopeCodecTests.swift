import ConcertProtocol
@testable import ConcertRPC
import NIOCore
import NIOEmbedded
import Testing

/// The server's envelope codec driven frame by frame on an `EmbeddedChannel`.
@Suite("Envelope codec")
struct EnvelopeCodecTests {
    private func makeChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(FrameDecoder(maxFrameSize: 1024)),
            EnvelopeCodec(connection: 1, closeGrace: .seconds(1), logger: Frames.logger, metrics: TransportMetrics()),
        ])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    private func framed(_ envelope: RequestEnvelope) -> ByteBuffer {
        var buffer = ByteBuffer()
        FrameParser.writeFrame(envelope, into: &buffer)
        return buffer
    }

    @Test("a request becomes a call whose method and payload are slices of its frame")
    func request() throws {
        let channel = try makeChannel()
        let payload = GetQueueStatusRequest().serializedBytes() + [0x08, 0x2A]
        try channel.writeInbound(
            framed(
                RequestEnvelope(
                    id: 7, method: "/concert.v1.QueueService/GetQueueStatus",
                    metadata: [MetadataEntry(key: "queue-token", value: "t")], timeoutMs: 250, payload: payload)))
        let call = try #require(try channel.readInbound(as: IncomingCall.self))
        #expect(call.id == 7)
        #expect(call.methodPath == "/concert.v1.QueueService/GetQueueStatus")
        #expect(call.metadata == [MetadataEntry(key: "queue-token", value: "t")])
        #expect(call.timeoutMs == 250)
        #expect(Array(call.payload.readableBytesView) == payload)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a request over the metadata limits is answered with its id and not passed on")
    func rejected() throws {
        let channel = try makeChannel()
        let entries = (0...RequestLimits.maxMetadataEntries).map { MetadataEntry(key: "k\($0)", value: "v") }
        try channel.writeInbound(framed(RequestEnvelope(id: 9, method: "/a/b", metadata: entries)))
        #expect(try channel.readInbound(as: IncomingCall.self) == nil)
        let answer = try Frames.response(try #require(try channel.readOutbound(as: ByteBuffer.self)))
        #expect(answer.id == 9)
        #expect(answer.code == .resourceExhausted)
        #expect(answer.reason == "METADATA_TOO_LARGE")
        #expect(channel.isActive)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a frame that is not an envelope gets one id-0 answer, the channel closes, nothing more is read")
    func malformed() throws {
        let channel = try makeChannel()
        var frames = ByteBuffer(bytes: [0, 0, 0, 2, 0xFF, 0xFF])
        frames.writeImmutableBuffer(framed(RequestEnvelope(id: 3, method: "/a/b")))
        try channel.writeInbound(frames)
        #expect(try channel.readInbound(as: IncomingCall.self) == nil)
        let answer = try Frames.response(try #require(try channel.readOutbound(as: ByteBuffer.self)))
        #expect(answer.id == 0)
        #expect(answer.reason == "MALFORMED_ENVELOPE")
        channel.embeddedEventLoop.run()
        #expect(!channel.isActive)
    }

    @Test("an oversized length prefix is answered with one id-0 frame and the channel closes")
    func oversizedFrame() throws {
        let channel = try makeChannel()
        try channel.writeInbound(ByteBuffer(bytes: [0x00, 0x00, 0x04, 0x01]))
        let answer = try Frames.response(try #require(try channel.readOutbound(as: ByteBuffer.self)))
        #expect(answer.id == 0)
        #expect(answer.reason == "FRAME_TOO_LARGE")
        channel.embeddedEventLoop.run()
        #expect(!channel.isActive)
    }

    @Test("responses are encoded into frames that protobuf-c decodes back: OK, failed, stream messages and a stream's end")
    func responses() throws {
        let channel = try makeChannel()
        let status = QueueStatus(state: .waiting, position: 12, ahead: 11, estimatedWaitMs: 30_000, waitTimeKnown: true, concertID: 1)
        try channel.writeOutbound(OutgoingResponse(id: 5, body: .unary(.success(GetQueueStatusResponse(status: status)))))
        try channel.writeOutbound(
            OutgoingResponse(
                id: 300, body: .unary(.failure(RPCError(code: .notFound, reason: .tokenUnknown, message: "No such token.")))))
        try channel.writeOutbound(OutgoingResponse(id: 7, body: .streamMessage(WatchQueueResponse(status: status))))
        try channel.writeOutbound(OutgoingResponse(id: 7, body: .streamEnd(nil)))
        let ok = try Frames.response(try #require(try channel.readOutbound(as: ByteBuffer.self)))
        #expect(ok.id == 5)
        #expect(ok.code == .ok)
        #expect(!ok.streamMessage)
        #expect(try GetQueueStatusResponse(serializedBytes: ok.payload) == GetQueueStatusResponse(status: status))
        let failed = try Frames.response(try #require(try channel.readOutbound(as: ByteBuffer.self)))
        #expect(failed == ResponseEnvelope(id: 300, code: .notFound, message: "No such token.", reason: "TOKEN_UNKNOWN"))
        let message = try Frames.response(try #require(try channel.readOutbound(as: ByteBuffer.self)))
        #expect(message.id == 7 && message.streamMessage && message.code == .ok)
        #expect(try WatchQueueResponse(serializedBytes: message.payload) == WatchQueueResponse(status: status))
        let end = try Frames.response(try #require(try channel.readOutbound(as: ByteBuffer.self)))
        #expect(end == ResponseEnvelope(id: 7, code: .ok))
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("a cancel frame reaches the scheduler as a cancel of its id")
    func cancelFrame() throws {
        let channel = try makeChannel()
        try channel.writeInbound(framed(RequestEnvelope(id: 12, cancel: true)))
        let call = try #require(try channel.readInbound(as: IncomingCall.self))
        #expect(call.id == 12 && call.cancel)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }
}
