import Foundation

extension JSONValue {
    /// The value as indented JSON text, two spaces per level.
    var prettyPrinted: String {
        var output = ""
        write(to: &output, indent: "")
        return output
    }

    /// The value as JSON text on one line, for a stream of JSON lines.
    var compact: String {
        switch self {
        case .null, .bool, .number, .string: return prettyPrinted
        case .array(let elements): return "[" + elements.map(\.compact).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { Self.quoted($0.key) + ":" + $0.value.compact }.joined(separator: ",") + "}"
        }
    }

    private func write(to output: inout String, indent: String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let number): output += number.text
        case .string(let value): output += Self.quoted(value)
        case .array(let elements):
            guard !elements.isEmpty else { output += "[]"; return }
            output += "[\n"
            for (index, element) in elements.enumerated() {
                output += indent + "  "
                element.write(to: &output, indent: indent + "  ")
                output += index == elements.count - 1 ? "\n" : ",\n"
            }
            output += indent + "]"
        case .object(let members):
            guard !members.isEmpty else { output += "{}"; return }
            output += "{\n"
            for (index, member) in members.enumerated() {
                output += indent + "  " + Self.quoted(member.key) + ": "
                member.value.write(to: &output, indent: indent + "  ")
                output += index == members.count - 1 ? "\n" : ",\n"
            }
            output += indent + "}"
        }
    }

    private static func quoted(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

extension JSONNumber {
    /// The number as JSON text; non-finite doubles become strings as in the protobuf JSON mapping.
    var text: String {
        switch self {
        case .signed(let value): String(value)
        case .unsigned(let value): String(value)
        case .double(let value) where value.isNaN: "\"NaN\""
        case .double(let value) where value.isInfinite: value > 0 ? "\"Infinity\"" : "\"-Infinity\""
        case .double(let value): "\(value)"
        }
    }
}
