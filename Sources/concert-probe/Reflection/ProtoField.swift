import CConcertProto
import CProtobufC

/// One field of a protobuf message as protobuf-c describes it at run time.
struct ProtoField {
    /// The protobuf-c descriptor.
    let descriptor: UnsafePointer<ProtobufCFieldDescriptor>

    /// The field name as written in the .proto file, e.g. `seat_number`.
    var name: String { String(cString: descriptor.pointee.name) }

    /// The lowerCamelCase JSON name, e.g. `seatNumber`.
    var jsonName: String {
        var result = ""
        var upperNext = false
        for character in name {
            if character == "_" {
                upperNext = true
            } else {
                result += upperNext ? character.uppercased() : String(character)
                upperNext = false
            }
        }
        return result
    }

    /// The field number.
    var number: UInt32 { descriptor.pointee.id }

    /// The wire type.
    var type: ProtobufCType { descriptor.pointee.type }

    /// Whether the field is repeated.
    var isRepeated: Bool { descriptor.pointee.label == PROTOBUF_C_LABEL_REPEATED }

    /// Whether the C struct tracks presence in a `has_` flag (proto2 optional scalars).
    var hasPresenceFlag: Bool {
        descriptor.pointee.label == PROTOBUF_C_LABEL_OPTIONAL
            && type != PROTOBUF_C_TYPE_STRING && type != PROTOBUF_C_TYPE_MESSAGE
            && descriptor.pointee.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) == 0
    }

    /// Whether the field belongs to a oneof, whose case the C struct keeps at the quantifier offset.
    var isOneofMember: Bool { descriptor.pointee.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0 }

    /// Where the value (or, when repeated, the array pointer) lives in the C struct.
    var offset: Int { Int(descriptor.pointee.offset) }

    /// Where the element count, `has_` flag or oneof case lives in the C struct.
    var quantifierOffset: Int { Int(descriptor.pointee.quantifier_offset) }

    /// The message type of a message field.
    var messageType: ProtoMessageType? {
        guard type == PROTOBUF_C_TYPE_MESSAGE, let raw = descriptor.pointee.descriptor else { return nil }
        return ProtoMessageType(descriptor: raw.assumingMemoryBound(to: ProtobufCMessageDescriptor.self))
    }

    /// The enum type of an enum field.
    var enumType: ProtoEnumType? {
        guard type == PROTOBUF_C_TYPE_ENUM, let raw = descriptor.pointee.descriptor else { return nil }
        return ProtoEnumType(descriptor: raw.assumingMemoryBound(to: ProtobufCEnumDescriptor.self))
    }

    /// The type as written in a .proto file, e.g. `int64`, `concert.v1.Reservation`,
    /// `repeated concert.v1.Seat`.
    var typeName: String {
        (isRepeated ? "repeated " : "") + (messageType?.name ?? enumType?.name ?? Self.scalarName(type) ?? "?")
    }

    /// The size of one value of the field's type in the C struct.
    var elementSize: Int {
        switch type {
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64,
            PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_DOUBLE:
            8
        case PROTOBUF_C_TYPE_STRING, PROTOBUF_C_TYPE_MESSAGE:
            MemoryLayout<UnsafeRawPointer>.size
        case PROTOBUF_C_TYPE_BYTES:
            MemoryLayout<ProtobufCBinaryData>.size
        default:
            4
        }
    }

    private static func scalarName(_ type: ProtobufCType) -> String? {
        switch type {
        case PROTOBUF_C_TYPE_INT32: "int32"
        case PROTOBUF_C_TYPE_SINT32: "sint32"
        case PROTOBUF_C_TYPE_SFIXED32: "sfixed32"
        case PROTOBUF_C_TYPE_INT64: "int64"
        case PROTOBUF_C_TYPE_SINT64: "sint64"
        case PROTOBUF_C_TYPE_SFIXED64: "sfixed64"
        case PROTOBUF_C_TYPE_UINT32: "uint32"
        case PROTOBUF_C_TYPE_FIXED32: "fixed32"
        case PROTOBUF_C_TYPE_UINT64: "uint64"
        case PROTOBUF_C_TYPE_FIXED64: "fixed64"
        case PROTOBUF_C_TYPE_FLOAT: "float"
        case PROTOBUF_C_TYPE_DOUBLE: "double"
        case PROTOBUF_C_TYPE_BOOL: "bool"
        case PROTOBUF_C_TYPE_STRING: "string"
        case PROTOBUF_C_TYPE_BYTES: "bytes"
        default: nil
        }
    }
}
