import CConcertProto
import CProtobufC
import ConcertProtocol
import Foundation

/// Decodes protobuf bytes of a message type known only at run time into JSON, through the
/// protobuf-c descriptors: .proto field names, every field present (defaults included),
/// enums by name, 64-bit integers as strings (proto3's JSON mapping: a JavaScript number cannot hold
/// every 64-bit value), bytes as base64; an absent sub-message is left out.
struct ProtoJSONDecoder {
    /// The message type the bytes encode.
    let type: ProtoMessageType

    /// The JSON form of `bytes`.
    func decode(_ bytes: [UInt8]) throws(ProbeFailure) -> JSONValue {
        let unpacked = bytes.withUnsafeBufferPointer { buffer in
            protobuf_c_message_unpack(type.descriptor, nil, buffer.count, buffer.baseAddress)
        }
        guard let unpacked else {
            throw .status(
                RPCError(code: .internal, reason: .malformedResponse, message: "The response is not a valid \(type.name)."))
        }
        defer { protobuf_c_message_free_unpacked(unpacked, nil) }
        return json(of: type, at: UnsafeRawPointer(unpacked))
    }

    private func json(of type: ProtoMessageType, at message: UnsafeRawPointer) -> JSONValue {
        .object(
            type.fields.compactMap { field in
                value(of: field, in: message).map { (field.name, $0) }
            })
    }

    private func value(of field: ProtoField, in message: UnsafeRawPointer) -> JSONValue? {
        if field.isRepeated {
            let count = message.load(fromByteOffset: field.quantifierOffset, as: Int.self)
            guard count > 0, let array = message.load(fromByteOffset: field.offset, as: UnsafeRawPointer?.self) else {
                return .array([])
            }
            return .array((0..<count).compactMap { element(field, at: array + $0 * field.elementSize) })
        }
        if field.hasPresenceFlag, message.load(fromByteOffset: field.quantifierOffset, as: Int32.self) == 0 {
            return nil
        }
        if field.isOneofMember, message.load(fromByteOffset: field.quantifierOffset, as: UInt32.self) != field.number {
            return nil
        }
        return element(field, at: message + field.offset)
    }

    private func element(_ field: ProtoField, at slot: UnsafeRawPointer) -> JSONValue? {
        switch field.type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32:
            return .int(slot.load(as: Int32.self))
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64:
            return .string(String(slot.load(as: Int64.self)))
        case PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32:
            return .int(slot.load(as: UInt32.self))
        case PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64:
            return .string(String(slot.load(as: UInt64.self)))
        case PROTOBUF_C_TYPE_FLOAT:
            return .double(Double(slot.load(as: Float.self)))
        case PROTOBUF_C_TYPE_DOUBLE:
            return .double(slot.load(as: Double.self))
        case PROTOBUF_C_TYPE_BOOL:
            return .bool(slot.load(as: Int32.self) != 0)
        case PROTOBUF_C_TYPE_ENUM:
            let number = slot.load(as: Int32.self)
            return field.enumType?.name(of: number).map(JSONValue.string) ?? .int(number)
        case PROTOBUF_C_TYPE_STRING:
            return .string(slot.load(as: UnsafePointer<CChar>?.self).map { String(cString: $0) } ?? "")
        case PROTOBUF_C_TYPE_BYTES:
            let binary = slot.load(as: ProtobufCBinaryData.self)
            let data = binary.data.map { Data(bytes: $0, count: binary.len) } ?? Data()
            return .string(data.base64EncodedString())
        default:
            guard let type = field.messageType, let nested = slot.load(as: UnsafeRawPointer?.self) else { return nil }
            return json(of: type, at: nested)
        }
    }
}
