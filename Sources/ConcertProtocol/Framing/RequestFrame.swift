public import NIOCore

/// Writes whole request frames, `[length][RequestEnvelope]`, straight into an outbound buffer: the
/// envelope's fields by hand and the request message serialized in place, so a call is encoded once.
public enum RequestFrame {
    /// Appends the frame of call `id` to `method` carrying `metadata`, `timeoutMs` and `request`.
    public static func write(
        id: UInt64, method: String, metadata: [MetadataEntry], timeoutMs: UInt32, request: some ProtoMessage,
        into buffer: inout ByteBuffer
    ) {
        FrameParser.writeFramed(into: &buffer) { buffer in
            WireWriter.writeVarintField(1, id, into: &buffer)
            WireWriter.writeStringField(2, method, into: &buffer)
            for entry in metadata {
                WireWriter.writeLengthDelimitedField(3, into: &buffer) { buffer in
                    WireWriter.writeStringField(1, entry.key, into: &buffer)
                    WireWriter.writeStringField(2, entry.value, into: &buffer)
                }
            }
            WireWriter.writeVarintField(4, UInt64(timeoutMs), into: &buffer)
            WireWriter.writeLengthDelimitedField(5, omittingEmpty: true, into: &buffer) { buffer in
                request.serialize(into: &buffer)
            }
        }
    }

    /// Appends the frame that cancels call `id`.
    public static func writeCancel(id: UInt64, into buffer: inout ByteBuffer) {
        FrameParser.writeFramed(into: &buffer) { buffer in
            WireWriter.writeVarintField(1, id, into: &buffer)
            WireWriter.writeVarintField(6, 1, into: &buffer)
        }
    }
}
