public import NIOCore

/// Writes whole response frames, `[length][ResponseEnvelope]`, straight into an outbound
/// buffer: the envelope's fields by hand, the response message packed by protobuf-c in place,
/// so an answer is never copied between its encoding and the socket.
public enum ResponseFrame {
    /// Appends the frame answering request `id` with the OK response `message`.
    package static func write<Message: CBridgedMessage>(id: UInt64, response message: Message, into buffer: inout ByteBuffer) {
        FrameParser.writeFramed(into: &buffer) { buffer in
            WireWriter.writeVarintField(1, id, into: &buffer)
            CBridge.encodeField(message, number: 5, into: &buffer)
        }
    }

    /// Appends the frame carrying one message of the server stream of request `id`.
    package static func write<Message: CBridgedMessage>(
        id: UInt64, streamMessage message: Message, into buffer: inout ByteBuffer
    ) {
        FrameParser.writeFramed(into: &buffer) { buffer in
            WireWriter.writeVarintField(1, id, into: &buffer)
            CBridge.encodeField(message, number: 5, into: &buffer)
            WireWriter.writeVarintField(6, 1, into: &buffer)
        }
    }

    /// Appends the frame answering request `id` (0 for the connection) with `failure`; with nil, the
    /// OK without a message that ends a stream.
    public static func write(id: UInt64, failure: RPCError?, into buffer: inout ByteBuffer) {
        FrameParser.writeFramed(into: &buffer) { buffer in
            WireWriter.writeVarintField(1, id, into: &buffer)
            guard let failure else { return }
            WireWriter.writeVarintField(2, UInt64(bitPattern: Int64(failure.code.rawValue)), into: &buffer)
            WireWriter.writeStringField(3, failure.message, into: &buffer)
            WireWriter.writeStringField(4, failure.reason, into: &buffer)
        }
    }
}
