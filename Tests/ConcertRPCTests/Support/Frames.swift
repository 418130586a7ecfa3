import ConcertProtocol
import Logging
import NIOCore
import Testing

/// Frames as a client sends and reads them.
enum Frames {
    /// The frame body of `envelope`.
    static func body(_ envelope: RequestEnvelope) -> ByteBuffer {
        var buffer = ByteBuffer()
        envelope.serialize(into: &buffer)
        return buffer
    }

    /// The response envelope in one whole frame (prefix included).
    static func response(_ frame: ByteBuffer) throws -> ResponseEnvelope {
        var frame = frame
        let body = try #require(try FrameParser.nextFrame(in: &frame, maxFrameSize: 1 << 20))
        #expect(frame.readableBytes == 0)
        return try ResponseEnvelope(buffer: body)
    }

    /// A quiet logger for handlers under test.
    static var logger: Logger {
        var logger = Logger(label: "embedded")
        logger.logLevel = .critical
        return logger
    }
}
