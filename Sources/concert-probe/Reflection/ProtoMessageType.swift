import CProtobufC

/// A protobuf message type as protobuf-c describes it at run time.
struct ProtoMessageType {
    /// The protobuf-c descriptor.
    let descriptor: UnsafePointer<ProtobufCMessageDescriptor>

    /// The fully-qualified name, e.g. `concert.v1.ReserveSeatRequest`.
    var name: String { String(cString: descriptor.pointee.name) }

    /// The fields in declaration order.
    var fields: [ProtoField] {
        (0..<Int(descriptor.pointee.n_fields)).map { ProtoField(descriptor: descriptor.pointee.fields + $0) }
    }

    /// The field whose .proto name or lowerCamelCase JSON name is `name`.
    func field(named name: String) -> ProtoField? {
        fields.first { $0.name == name || $0.jsonName == name }
    }
}
