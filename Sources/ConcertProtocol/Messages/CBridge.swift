package import CConcertProto
import CProtobufC
import NIOCore

/// A generated message's link to the C struct and functions protoc-c generated for it.
package protocol CBridgedMessage: ProtoMessage {
    /// The C struct protoc-c generated for the message.
    associatedtype CMessage

    /// Copies a C message into a Swift value.
    init(cMessage: UnsafePointer<CMessage>)
    /// Writes the value into an initialised C message; memory it needs comes from `arena`.
    func fill(_ c: UnsafeMutablePointer<CMessage>, arena: CArena)
    /// The protoc-c `__init` function.
    static func cInit(_ c: UnsafeMutablePointer<CMessage>)
    /// The protoc-c `__unpack` function with the default allocator.
    static func cUnpack(_ count: Int, _ bytes: UnsafePointer<UInt8>) -> UnsafeMutablePointer<CMessage>?
    /// The protoc-c `__free_unpacked` function with the default allocator.
    static func cFree(_ c: UnsafeMutablePointer<CMessage>)
    /// The protoc-c `__get_packed_size` function.
    static func cPackedSize(_ c: UnsafePointer<CMessage>) -> Int
    /// The protoc-c `__pack` function.
    static func cPack(_ c: UnsafePointer<CMessage>, into out: UnsafeMutablePointer<UInt8>) -> Int
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
            try PayloadInspection.check(bytes, descriptor: descriptor(of: Message.self), maxElements: maxElements)
        } catch {
            throw ProtoDecodingError(messageName: Message.protoName, problem: error)
        }
        return try unpack(Message.self, from: bytes)
    }

    /// Decodes `bytes` with protobuf-c, without ``PayloadInspection``: for bytes a caller
    /// has already checked its own way.
    package static func unpack<Message: CBridgedMessage>(
        _: Message.Type,
        from bytes: UnsafeRawBufferPointer
    ) throws(ProtoDecodingError) -> Message {
        let unpacked: UnsafeMutablePointer<Message.CMessage>?
        if let base = bytes.baseAddress {
            unpacked = Message.cUnpack(bytes.count, base.assumingMemoryBound(to: UInt8.self))
        } else {
            var empty: UInt8 = 0
            unpacked = withUnsafePointer(to: &empty) { Message.cUnpack(0, $0) }
        }
        guard let unpacked else { throw ProtoDecodingError(messageName: Message.protoName) }
        defer { Message.cFree(unpacked) }
        return Message(cMessage: unpacked)
    }

    /// The protoc-c descriptor of `Message`, read from a freshly initialised C message
    /// (its first member is the `ProtobufCMessage` base that points at the descriptor).
    static func descriptor<Message: CBridgedMessage>(of _: Message.Type) -> UnsafePointer<ProtobufCMessageDescriptor> {
        withUnsafeTemporaryAllocation(of: Message.CMessage.self, capacity: 1) { storage in
            Message.cInit(storage.baseAddress!)
            return UnsafeRawPointer(storage.baseAddress!).load(as: ProtobufCMessage.self).descriptor
        }
    }

    /// Builds the C message for `message` and packs it at the end of `buffer`.
    package static func encode<Message: CBridgedMessage>(_ message: Message, into buffer: inout ByteBuffer) {
        let arena = CArena()
        let c = arena.message(message)
        let size = Message.cPackedSize(c)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
            Message.cPack(c, into: out.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Copies a protobuf-c byte field into an array.
    package static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        guard data.len > 0, let start = data.data else { return [] }
        return Array(UnsafeBufferPointer(start: start, count: data.len))
    }
}
