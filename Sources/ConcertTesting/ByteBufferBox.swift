public import ConcertProtocol
import NIOCore

/// Collects frames as plain bytes for raw sockets.
public struct ByteBufferBox {
    /// An empty collection.
    public init() {}

    private var buffer = ByteBuffer()

    /// Appends one frame holding `message`.
    public mutating func append(_ message: some ProtoMessage) {
        FrameParser.writeFrame(message, into: &buffer)
    }

    /// The frames written so far.
    public var bytes: [UInt8] { Array(buffer.readableBytesView) }
}
