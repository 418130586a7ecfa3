import CConcertProto
import CProtobufC
import Foundation

/// Encodes a JSON object as a protobuf message of a type known only at run time, through
/// the protobuf-c descriptors: fields by .proto name or lowerCamelCase, enums by name or
/// number, 64-bit integers as numbers or strings, bytes as base64.
struct JSONProtoEncoder {
    /// The message type to produce.
    let type: ProtoMessageType

    /// The protobuf encoding of `json`.
    func encode(_ json: JSONValue) throws(ProbeFailure) -> [UInt8] {
        let memory = CMemory()
        let message = try build(type, from: json, path: type.name, memory: memory)
            .assumingMemoryBound(to: ProtobufCMessage.self)
        return withExtendedLifetime(memory) {
            var bytes = [UInt8](repeating: 0, count: protobuf_c_message_get_packed_size(message))
            let written = bytes.withUnsafeMutableBufferPointer { protobuf_c_message_pack(message, $0.baseAddress) }
            return Array(bytes.prefix(written))
        }
    }

    private func build(
        _ type: ProtoMessageType, from json: JSONValue, path: String, memory: CMemory
    ) throws(ProbeFailure) -> UnsafeMutableRawPointer {
        guard case .object(let members) = json else {
            throw .badInput("\(path) must be a JSON object, not \(json.kind)")
        }
        let message = memory.allocate(type.descriptor.pointee.sizeof_message)
        protobuf_c_message_init(type.descriptor, message)
        for (key, value) in members {
            guard let field = type.field(named: key) else {
                let known = type.fields.map(\.name).joined(separator: ", ")
                throw .badInput("\(type.name) has no field \(key) (fields: \(known.isEmpty ? "none" : known))")
            }
            try set(field, of: message, to: value, path: "\(path).\(field.name)", memory: memory)
        }
        return message
    }

    private func set(
        _ field: ProtoField, of message: UnsafeMutableRawPointer, to value: JSONValue, path: String, memory: CMemory
    ) throws(ProbeFailure) {
        if case .null = value { return }
        if field.isRepeated {
            guard case .array(let elements) = value else {
                throw .badInput("\(path) must be a JSON array, not \(value.kind)")
            }
            let array = memory.allocate(field.elementSize * elements.count)
            for (index, element) in elements.enumerated() {
                try store(
                    field, element, at: array + index * field.elementSize, path: "\(path)[\(index)]", memory: memory)
            }
            message.storeBytes(of: elements.count, toByteOffset: field.quantifierOffset, as: Int.self)
            message.storeBytes(
                of: elements.isEmpty ? nil : UnsafeMutableRawPointer(array), toByteOffset: field.offset,
                as: UnsafeMutableRawPointer?.self)
            return
        }
        try store(field, value, at: message + field.offset, path: path, memory: memory)
        if field.hasPresenceFlag {
            message.storeBytes(of: Int32(1), toByteOffset: field.quantifierOffset, as: Int32.self)
        } else if field.isOneofMember {
            message.storeBytes(of: field.number, toByteOffset: field.quantifierOffset, as: UInt32.self)
        }
    }

    private func store(
        _ field: ProtoField, _ value: JSONValue, at slot: UnsafeMutableRawPointer, path: String, memory: CMemory
    ) throws(ProbeFailure) {
        switch field.type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32:
            slot.storeBytes(of: try integer(value, as: Int32.self, path: path), as: Int32.self)
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64:
            slot.storeBytes(of: try integer(value, as: Int64.self, path: path), as: Int64.self)
        case PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32:
            slot.storeBytes(of: try integer(value, as: UInt32.self, path: path), as: UInt32.self)
        case PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64:
            slot.storeBytes(of: try integer(value, as: UInt64.self, path: path), as: UInt64.self)
        case PROTOBUF_C_TYPE_FLOAT:
            slot.storeBytes(of: Float(try floatingPoint(value, path: path)), as: Float.self)
        case PROTOBUF_C_TYPE_DOUBLE:
            slot.storeBytes(of: try floatingPoint(value, path: path), as: Double.self)
        case PROTOBUF_C_TYPE_BOOL:
            guard case .bool(let flag) = value else { throw .badInput("\(path) must be true or false, not \(value.kind)") }
            slot.storeBytes(of: Int32(flag ? 1 : 0), as: Int32.self)
        case PROTOBUF_C_TYPE_ENUM:
            slot.storeBytes(of: try enumNumber(field, value, path: path), as: Int32.self)
        case PROTOBUF_C_TYPE_STRING:
            guard case .string(let text) = value else { throw .badInput("\(path) must be a string, not \(value.kind)") }
            slot.storeBytes(of: UnsafeMutableRawPointer(memory.cString(text)), as: UnsafeMutableRawPointer.self)
        case PROTOBUF_C_TYPE_BYTES:
            guard case .string(let text) = value, let data = Data(base64Encoded: text) else {
                throw .badInput("\(path) must be a base64 string")
            }
            let bytes = Array(data)
            slot.storeBytes(of: ProtobufCBinaryData(len: bytes.count, data: memory.bytes(bytes)), as: ProtobufCBinaryData.self)
        default:
            guard let type = field.messageType else { throw .badInput("\(path) has a type the probe cannot encode") }
            slot.storeBytes(of: try build(type, from: value, path: path, memory: memory), as: UnsafeMutableRawPointer.self)
        }
    }

    private func integer<T: FixedWidthInteger>(_ value: JSONValue, as: T.Type, path: String) throws(ProbeFailure) -> T {
        let converted: T? =
            switch value {
            case .number(.signed(let number)): T(exactly: number)
            case .number(.unsigned(let number)): T(exactly: number)
            case .number(.double(let number)): T(exactly: number)
            case .string(let text): T(text)
            default: nil
            }
        guard let converted else {
            throw .badInput("\(path) must be an integer from \(T.min) to \(T.max) (a number or a string), not \(value.kind)")
        }
        return converted
    }

    private func floatingPoint(_ value: JSONValue, path: String) throws(ProbeFailure) -> Double {
        switch value {
        case .number(.signed(let number)): return Double(number)
        case .number(.unsigned(let number)): return Double(number)
        case .number(.double(let number)): return number
        case .string(let text):
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default:
                if let number = Double(text) { return number }
            }
        default:
            break
        }
        throw .badInput("\(path) must be a number, not \(value.kind)")
    }

    private func enumNumber(_ field: ProtoField, _ value: JSONValue, path: String) throws(ProbeFailure) -> Int32 {
        guard let type = field.enumType else { throw .badInput("\(path) has no enum descriptor") }
        switch value {
        case .string(let name):
            if let number = type.number(named: name) { return number }
        case .number(.signed(let number)):
            if let number = Int32(exactly: number) { return number }
        default:
            break
        }
        let names = type.values.map(\.name).joined(separator: ", ")
        throw .badInput("\(path) must be one of \(names)")
    }
}
