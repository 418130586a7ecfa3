public import NIOCore

/// A protocol message: a Swift value type that encodes to and decodes from the
/// protobuf wire format through the C code protoc-c generated from `proto/`.
public protocol ProtoMessage: Sendable, Hashable {
    /// The message's fully-qualified protobuf name, e.g. `concert.v1.ReserveSeatRequest`.
    static var protoName: String { get }

    /// Decodes the message from its protobuf encoding.
    init(serializedBytes bytes: UnsafeRawBufferPointer) throws(ProtoDecodingError)

    /// Appends the message's protobuf encoding to `buffer`.
    func serialize(into buffer: inout ByteBuffer)
}

extension ProtoMessage {
    /// Decodes the message from its protobuf encoding in `bytes`.
    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(ProtoDecodingError) in try Self(serializedBytes: raw) }
        }
        self = try result.get()
    }

    /// Decodes the message from the readable bytes of `buffer`.
    public init(buffer: ByteBuffer) throws(ProtoDecodingError) {
        let result = buffer.withUnsafeReadableBytes { raw in
            Result { () throws(ProtoDecodingError) in try Self(serializedBytes: raw) }
        }
        self = try result.get()
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        var buffer = ByteBuffer()
        serialize(into: &buffer)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }
}

/// Bytes that are not a valid protobuf encoding of the expected message.
public struct ProtoDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The fully-qualified name of the message that failed to decode.
    public var messageName: String

    /// Creates the error for the message named `messageName`.
    public init(messageName: String) {
        self.messageName = messageName
    }

    /// A description naming the message.
    public var description: String { "bytes are not a valid \(messageName)" }
}
