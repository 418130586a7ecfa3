import NIOCore

/// Appends protobuf wire elements to a buffer: the writing half of ``WireReader``, for the
/// envelopes a server writes straight into its outbound buffers.
enum WireWriter {
    /// Appends `value` as a base-128 varint.
    static func writeVarint(_ value: UInt64, into buffer: inout ByteBuffer) {
        var value = value
        while value >= 0x80 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.writeInteger(UInt8(truncatingIfNeeded: value))
    }

    /// Appends the varint field `number` unless `value` is 0 (proto3 leaves defaults out).
    static func writeVarintField(_ number: UInt32, _ value: UInt64, into buffer: inout ByteBuffer) {
        guard value != 0 else { return }
        writeVarint(UInt64(number << 3), into: &buffer)
        writeVarint(value, into: &buffer)
    }

    /// Appends the string field `number` unless `value` is empty.
    static func writeStringField(_ number: UInt32, _ value: String, into buffer: inout ByteBuffer) {
        guard !value.isEmpty else { return }
        writeVarint(UInt64(number << 3 | 2), into: &buffer)
        writeVarint(UInt64(value.utf8.count), into: &buffer)
        buffer.writeString(value)
    }
}
