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

/// Bytes that are not a valid protobuf encoding of the expected message, or that break
/// one of the protocol's rules for strings and sizes.
public struct ProtoDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the bytes.
    public enum Problem: Error, Sendable, Hashable {
        /// The bytes are not a protobuf encoding of the message.
        case malformed
        /// The string field named `field` holds a NUL byte or is not valid UTF-8.
        case invalidString(field: String)
        /// The message holds more than `limit` fields, counted over its whole tree.
        case tooComplex(limit: Int)
    }

    /// The fully-qualified name of the message that failed to decode.
    public var messageName: String
    /// What is wrong with the bytes.
    public var problem: Problem

    /// Creates the error for the message named `messageName`.
    public init(messageName: String, problem: Problem = .malformed) {
        self.messageName = messageName
        self.problem = problem
    }

    /// A description naming the message and the problem.
    public var description: String {
        switch problem {
        case .malformed: "bytes are not a valid \(messageName)"
        case .invalidString(let field): "\(messageName).\(field) holds a NUL byte or is not valid UTF-8"
        case .tooComplex(let limit): "\(messageName) holds more than \(limit) fields"
        }
    }
}
