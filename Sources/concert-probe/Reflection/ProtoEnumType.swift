import CProtobufC

/// A protobuf enum as protobuf-c describes it at run time.
struct ProtoEnumType {
    /// The protobuf-c descriptor.
    let descriptor: UnsafePointer<ProtobufCEnumDescriptor>

    /// The fully-qualified name, e.g. `concert.v1.TokenState`.
    var name: String { String(cString: descriptor.pointee.name) }

    /// The values with their names as written in the .proto file, in declaration order.
    var values: [(name: String, number: Int32)] {
        (0..<Int(descriptor.pointee.n_values)).map { index in
            let value = descriptor.pointee.values[index]
            return (String(cString: value.name), value.value)
        }
    }

    /// The number of the value named `name`: the full name (`TOKEN_STATE_ACTIVE`), or the
    /// name without the enum's prefix (`ACTIVE`), in any letter case.
    func number(named name: String) -> Int32? {
        let wanted = name.uppercased()
        let prefix = Self.screamingSnakeCase(String(cString: descriptor.pointee.short_name)) + "_"
        return values.first { $0.name == wanted || $0.name == prefix + wanted }?.number
    }

    /// The name of the value numbered `number`, or nil for a number this version does not know.
    func name(of number: Int32) -> String? {
        values.first { $0.number == number }?.name
    }

    /// `TokenState` → `TOKEN_STATE`.
    private static func screamingSnakeCase(_ camel: String) -> String {
        var result = ""
        for character in camel {
            if character.isUppercase, !result.isEmpty { result += "_" }
            result += character.uppercased()
        }
        return result
    }
}
