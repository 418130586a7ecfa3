public import NIOCore

/// A NIO decoder that turns a byte stream into frame bodies (see ``FrameParser``).
public struct FrameDecoder: ByteToMessageDecoder {
    /// Each frame body.
    public typealias InboundOut = ByteBuffer

    /// The largest frame body accepted.
    public let maxFrameSize: Int

    /// Creates a decoder refusing frames larger than `maxFrameSize` bytes.
    public init(maxFrameSize: Int = FrameParser.defaultMaxFrameSize) {
        self.maxFrameSize = maxFrameSize
    }

    /// Emits the next frame if it is complete.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try FrameParser.nextFrame(in: &buffer, maxFrameSize: maxFrameSize) else {
            return .needMoreData
        }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    /// Emits the remaining whole frames at end of stream; a partial frame is an error.
    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        if try decode(context: context, buffer: &buffer) == .continue { return .continue }
        if buffer.readableBytes > 0 {
            let buffered = buffer.readableBytes
            buffer.moveReaderIndex(to: buffer.writerIndex)
            throw FrameError.truncatedFrame(bufferedBytes: buffered)
        }
        return .needMoreData
    }
}
