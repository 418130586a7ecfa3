import ConcertProtocol
import NIOCore

/// Collects frames as plain bytes for raw sockets.
struct ByteBufferBox {
    private var buffer = ByteBuffer()

    /// Appends one frame holding `message`.
    mutating func append(_ message: some ProtoMessage) {
        FrameParser.writeFrame(message, into: &buffer)
    }

    /// The frames written so far.
    var bytes: [UInt8] { Array(buffer.readableBytesView) }
}
