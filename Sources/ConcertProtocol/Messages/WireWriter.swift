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

extension WireWriter {
    /// The most bytes the length of a field may take: five, enough for any frame.
    private static let maxLengthBytes = 5

    /// Appends the length-delimited field `number` whose body `body` writes: the body is written after room
    /// for the longest length, then moved back next to its actual length. With `omittingEmpty`, an empty
    /// body leaves no field at all (proto3 leaves defaults out).
    static func writeLengthDelimitedField(
        _ number: UInt32, omittingEmpty: Bool = false, into buffer: inout ByteBuffer, _ body: (inout ByteBuffer) -> Void
    ) {
        let fieldStart = buffer.writerIndex
        writeVarint(UInt64(number << 3 | 2), into: &buffer)
        let lengthStart = buffer.writerIndex
        buffer.writeRepeatingByte(0, count: maxLengthBytes)
        body(&buffer)
        let length = buffer.writerIndex - lengthStart - maxLengthBytes
        if omittingEmpty, length == 0 {
            buffer.moveWriterIndex(to: fieldStart)
            return
        }
        let bodyStart = lengthStart + setVarint(UInt64(length), at: lengthStart, in: &buffer)
        let gap = lengthStart + maxLengthBytes - bodyStart
        let readerIndex = buffer.readerIndex
        buffer.withUnsafeMutableReadableBytes { raw in
            let base = raw.baseAddress! - readerIndex
            (base + bodyStart).copyMemory(from: base + bodyStart + gap, byteCount: length)
        }
        buffer.moveWriterIndex(to: bodyStart + length)
    }

    /// Writes `value` as a varint at `index` without moving the writer index; returns its size in bytes.
    private static func setVarint(_ value: UInt64, at index: Int, in buffer: inout ByteBuffer) -> Int {
        var value = value
        var offset = 0
        while value >= 0x80 {
            buffer.setInteger(UInt8(truncatingIfNeeded: value) | 0x80, at: index + offset)
            value >>= 7
            offset += 1
        }
        buffer.setInteger(UInt8(truncatingIfNeeded: value), at: index + offset)
        return offset + 1
    }
}
