/// A JSON value whose objects keep their members in order, so output is deterministic.
enum JSONValue {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, kept exactly when it is an integer.
    case number(JSONNumber)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, members in order.
    case object([(key: String, value: JSONValue)])

    /// An integer of any width, kept exactly.
    static func int(_ value: some BinaryInteger) -> JSONValue {
        if let signed = Int64(exactly: value) { return .number(.signed(signed)) }
        return .number(.unsigned(UInt64(value)))
    }

    /// A floating-point number.
    static func double(_ value: Double) -> JSONValue { .number(.double(value)) }

    /// A short name of the value's kind for error messages, e.g. `a string`.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A JSON number: an exact signed or unsigned integer, or a double.
enum JSONNumber {
    /// An integer that fits in Int64.
    case signed(Int64)
    /// An integer above Int64.max.
    case unsigned(UInt64)
    /// A number with a fraction or exponent, or out of integer range.
    case double(Double)
}
