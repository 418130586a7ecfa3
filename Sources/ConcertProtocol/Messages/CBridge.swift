package import CConcertProto
internal import CProtobufC
package import NIOCore

/// A generated message's link to the C struct and the descriptor protoc-c generated for it;
/// every other C operation is one of protobuf-c's generic calls on that descriptor.
package protocol CBridgedMessage: ProtoMessage {
    /// The C struct protoc-c generated for the message.
    associatedtype CMessage

    /// Copies a C message into a Swift value.
    init(cMessage: UnsafePointer<CMessage>)
    /// Writes the value into an initialised C message; memory it needs comes from `arena`.
    func fill(_ c: UnsafeMutablePointer<CMessage>, arena: CArena)
    /// The descriptor protoc-c generated for the message.
    static var cDescriptor: UnsafePointer<ProtobufCMessageDescriptor> { get }
}

/// The generic halves of encoding and decoding shared by every generated message.
package enum CBridge {
    /// Checks `bytes` (see ``PayloadInspection``), decodes them with protobuf-c and copies the
    /// result into a Swift value. Messages from peers use the default `maxElements`; requests
    /// a server decodes pass ``PayloadInspection/maxRequestElements``.
    package static func decode<Message: CBridgedMessage>(
        _: Message.Type,
        from bytes: UnsafeRawBufferPointer,
        maxElements: Int = .max
    ) throws(ProtoDecodingError) -> Message {
        do {
            try PayloadInspection.check(bytes, descriptor: Message.cDescriptor, maxElements: maxElements)
        } catch {
            throw ProtoDecodingError(messageName: Message.protoName, problem: error)
        }
        return try unpack(Message.self, from: bytes)
    }

    /// Decodes the readable bytes of `buffer` in place, as ``decode(_:from:maxElements:)`` does.
    package static func decode<Message: CBridgedMessage>(
        _: Message.Type,
        from buffer: ByteBuffer,
        maxElements: Int = .max
    ) throws(ProtoDecodingError) -> Message {
        let result = buffer.withUnsafeReadableBytes { bytes in
            Result { () throws(ProtoDecodingError) in try decode(Message.self, from: bytes, maxElements: maxElements) }
        }
        return try result.get()
    }

    /// Decodes `bytes`, already checked by ``PayloadInspection``, with protobuf-c.
    private static func unpack<Message: CBridgedMessage>(
        _: Message.Type,
        from bytes: UnsafeRawBufferPointer
    ) throws(ProtoDecodingError) -> Message {
        let unpacked: UnsafeMutablePointer<ProtobufCMessage>?
        if let base = bytes.baseAddress {
            unpacked = protobuf_c_message_unpack(
                Message.cDescriptor, nil, bytes.count, base.assumingMemoryBound(to: UInt8.self))
        } else {
            var empty: UInt8 = 0
            unpacked = withUnsafePointer(to: &empty) { protobuf_c_message_unpack(Message.cDescriptor, nil, 0, $0) }
        }
        guard let unpacked else { throw ProtoDecodingError(messageName: Message.protoName) }
        defer { protobuf_c_message_free_unpacked(unpacked, nil) }
        return Message(cMessage: UnsafeRawPointer(unpacked).assumingMemoryBound(to: Message.CMessage.self))
    }

    /// The descriptor of the C message that `initialize` (a protoc-c `__init` function) sets up: the
    /// first member of every C message is the `ProtobufCMessage` base that points at it.
    package static func descriptor<CMessage>(
        initializedBy initialize: (UnsafeMutablePointer<CMessage>?) -> Void
    ) -> UnsafePointer<ProtobufCMessageDescriptor> {
        withUnsafeTemporaryAllocation(of: CMessage.self, capacity: 1) { storage in
            initialize(storage.baseAddress!)
            return UnsafeRawPointer(storage.baseAddress!).load(as: ProtobufCMessage.self).descriptor
        }
    }

    /// Builds the C message for `message` and packs it at the end of `buffer`.
    package static func encode<Message: CBridgedMessage>(_ message: Message, into buffer: inout ByteBuffer) {
        withCMessage(message) { c, size in pack(c, size: size, into: &buffer) }
    }

    /// Packs `message` at the end of `buffer` as the length-delimited field `number` of an
    /// enclosing message: tag, length, then the message's bytes, packed straight into the buffer.
    package static func encodeField<Message: CBridgedMessage>(
        _ message: Message, number: UInt32, into buffer: inout ByteBuffer
    ) {
        withCMessage(message) { c, size in
            guard size > 0 else { return }
            WireWriter.writeVarint(UInt64(number << 3 | 2), into: &buffer)
            WireWriter.writeVarint(UInt64(size), into: &buffer)
            pack(c, size: size, into: &buffer)
        }
    }

    /// Copies a protobuf-c byte field into an array.
    package static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        guard data.len > 0, let start = data.data else { return [] }
        return Array(UnsafeBufferPointer(start: start, count: data.len))
    }

    private static func withCMessage<Message: CBridgedMessage>(
        _ message: Message, _ body: (UnsafePointer<ProtobufCMessage>, Int) -> Void
    ) {
        let arena = CArena()
        let c = UnsafeRawPointer(arena.message(message)).assumingMemoryBound(to: ProtobufCMessage.self)
        body(c, protobuf_c_message_get_packed_size(c))
    }

    private static func pack(_ c: UnsafePointer<ProtobufCMessage>, size: Int, into buffer: inout ByteBuffer) {
        guard size > 0 else { return }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
            protobuf_c_message_pack(c, out.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
    }
}
