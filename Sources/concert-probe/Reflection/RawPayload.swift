import ConcertProtocol
import NIOCore

/// Already-encoded protobuf bytes, so a method known only at run time can be called
/// through the typed client.
struct RawPayload: ProtoMessage {
    /// No fixed message: the bytes are whatever the reflected method expects.
    static let protoName = "bytes"

    /// The encoded message.
    let bytes: [UInt8]

    /// Wraps encoded bytes.
    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    init(serializedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = Array(bytes)
    }

    func serialize(into buffer: inout ByteBuffer) {
        buffer.writeBytes(bytes)
    }
}
