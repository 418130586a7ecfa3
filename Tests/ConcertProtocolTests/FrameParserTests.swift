import ConcertProtocol
import NIOCore
import Testing

/// Length-prefixed framing: splitting, joining and limits.
@Suite("Framing")
struct FrameParserTests {
    static let messages = [
        RequestEnvelope(id: 1, method: "/concert.v1.SystemService/Health"),
        RequestEnvelope(id: 2, method: "/x/y", payload: Array(repeating: 9, count: 300)),
        RequestEnvelope(),
    ]

    static var stream: [UInt8] {
        var buffer = ByteBuffer()
        for message in messages { FrameParser.writeFrame(message, into: &buffer) }
        return Array(buffer.readableBytesView)
    }

    @Test("a frame is a 4-byte big-endian length then the body")
    func layout() {
        var buffer = ByteBuffer()
        FrameParser.writeFrame(RequestEnvelope(id: 1), into: &buffer)
        #expect(Array(buffer.readableBytesView) == [0, 0, 0, 2, 0x08, 0x01])
    }

    @Test("several frames in one read are all parsed, in order")
    func severalFramesInOneRead() throws {
        var buffer = ByteBuffer(bytes: Self.stream)
        #expect(try drain(&buffer) == Self.messages)
        #expect(buffer.readableBytes == 0)
    }

    @Test("the stream split at every byte boundary parses the same frames")
    func everySplit() throws {
        let stream = Self.stream
        for split in 0...stream.count {
            var buffer = ByteBuffer(bytes: stream[0..<split])
            var parsed = try drain(&buffer)
            buffer.writeBytes(stream[split...])
            parsed += try drain(&buffer)
            #expect(parsed == Self.messages, "split at \(split)")
        }
    }

    @Test("the stream fed one byte at a time parses the same frames")
    func byteByByte() throws {
        var buffer = ByteBuffer()
        var parsed: [RequestEnvelope] = []
        for byte in Self.stream {
            buffer.writeInteger(byte)
            parsed += try drain(&buffer)
        }
        #expect(parsed == Self.messages)
    }

    @Test("a length over the maximum is refused from the prefix alone")
    func oversized() {
        var buffer = ByteBuffer(bytes: [0x00, 0x01, 0x00, 0x01])
        #expect(throws: FrameError.frameTooLarge(announced: 65537, limit: 65536)) {
            try FrameParser.nextFrame(in: &buffer, maxFrameSize: 65536)
        }
        var huge = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: FrameError.frameTooLarge(announced: 4_294_967_295, limit: FrameParser.defaultMaxFrameSize)) {
            try FrameParser.nextFrame(in: &huge, maxFrameSize: FrameParser.defaultMaxFrameSize)
        }
    }

    @Test("a length exactly at the maximum is accepted")
    func atMaximum() throws {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 3, 1, 2, 3])
        let frame = try FrameParser.nextFrame(in: &buffer, maxFrameSize: 3)
        #expect(frame.map { Array($0.readableBytesView) } == [1, 2, 3])
    }

    @Test("a zero-length frame is an empty body")
    func zeroLength() throws {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 0])
        let frame = try #require(try FrameParser.nextFrame(in: &buffer, maxFrameSize: 16))
        #expect(frame.readableBytes == 0)
        #expect(try RequestEnvelope(buffer: frame) == RequestEnvelope())
    }

    @Test("an incomplete prefix or body waits for more bytes")
    func incomplete() throws {
        var prefixOnly = ByteBuffer(bytes: [0, 0, 0])
        #expect(try FrameParser.nextFrame(in: &prefixOnly, maxFrameSize: 16) == nil)
        var partialBody = ByteBuffer(bytes: [0, 0, 0, 5, 1, 2])
        #expect(try FrameParser.nextFrame(in: &partialBody, maxFrameSize: 16) == nil)
        #expect(partialBody.readableBytes == 6)
    }

    private func drain(_ buffer: inout ByteBuffer) throws -> [RequestEnvelope] {
        var parsed: [RequestEnvelope] = []
        while let frame = try FrameParser.nextFrame(in: &buffer, maxFrameSize: 1024) {
            parsed.append(try RequestEnvelope(buffer: frame))
        }
        return parsed
    }
}
