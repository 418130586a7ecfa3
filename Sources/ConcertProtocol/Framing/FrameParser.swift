public import NIOCore

/// Splits a byte stream into frames: a 4-byte unsigned big-endian length N, then N bytes.
public enum FrameParser {
    /// The size of the length prefix.
    public static let prefixSize = 4
    /// The default maximum frame body size, 4 MiB.
    public static let defaultMaxFrameSize = 4 * 1024 * 1024

    /// Removes and returns the next whole frame body from `buffer`, or nil when the
    /// buffer holds only part of one.
    ///
    /// The length is checked as soon as its 4 bytes are there, so an oversized frame
    /// is refused before anything is allocated or awaited for it.
    public static func nextFrame(in buffer: inout ByteBuffer, maxFrameSize: Int) throws(FrameError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return nil
        }
        guard UInt64(length) <= UInt64(maxFrameSize) else {
            throw FrameError.frameTooLarge(announced: UInt64(length), limit: maxFrameSize)
        }
        guard buffer.readableBytes >= prefixSize + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: prefixSize)
        return buffer.readSlice(length: Int(length))
    }

    /// Appends one frame holding `message` to `buffer`.
    public static func writeFrame(_ message: some ProtoMessage, into buffer: inout ByteBuffer) {
        writeFramed(into: &buffer) { buffer in message.serialize(into: &buffer) }
    }

    /// Appends one frame whose body `body` writes: the length prefix is filled in afterwards.
    static func writeFramed(into buffer: inout ByteBuffer, _ body: (inout ByteBuffer) -> Void) {
        let start = buffer.writerIndex
        buffer.writeInteger(UInt32(0), endianness: .big)
        body(&buffer)
        buffer.setInteger(UInt32(buffer.writerIndex - start - prefixSize), at: start, endianness: .big)
    }
}

/// A violation of the framing rules; the connection cannot continue after one.
public enum FrameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The length prefix announces more than the maximum frame size.
    case frameTooLarge(announced: UInt64, limit: Int)
    /// The stream ended in the middle of a frame.
    case truncatedFrame(bufferedBytes: Int)

    /// A description for logs.
    public var description: String {
        switch self {
        case .frameTooLarge(let announced, let limit):
            "frame of \(announced) bytes exceeds the maximum of \(limit)"
        case .truncatedFrame(let buffered):
            "stream ended inside a frame with \(buffered) bytes buffered"
        }
    }
}
