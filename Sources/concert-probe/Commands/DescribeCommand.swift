import Foundation
import ArgumentParser

/// `concert-probe describe METHOD`: a method's request and response fields, from the
/// protobuf-c descriptors compiled into the probe (no server needed).
struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show a method's request and response message fields with their types.",
        discussion: ProbeFailure.discussion(
            "METHOD is ReserveSeat, ReservationService/ReserveSeat or /concert.v1.ReservationService/ReserveSeat."))

    @Argument(help: "The method to describe.")
    var method: String

    func run() throws {
        let method = try ProtoMethod.named(method)
        Console.line("rpc \(method.name) (\(method.path))")
        Console.line()
        Console.line("request \(method.input.name)")
        Console.write(MessageLayout(method.input).text)
        Console.line()
        Console.line(method.serverStreaming ? "response stream of \(method.output.name)" : "response \(method.output.name)")
        Console.write(MessageLayout(method.output).text)
    }
}

/// The fields of a message as indented lines, expanding sub-messages and listing enum values.
struct MessageLayout {
    /// The rendered lines, each ending in a newline.
    private(set) var text = ""

    /// Lays out the fields of `type`.
    init(_ type: ProtoMessageType) {
        add(type, indent: "  ", expanding: [type.name])
    }

    private mutating func add(_ type: ProtoMessageType, indent: String, expanding: Set<String>) {
        let fields = type.fields
        guard !fields.isEmpty else {
            text += indent + "(no fields)\n"
            return
        }
        let nameWidth = fields.map(\.name.count).max() ?? 0
        let typeWidth = fields.map(\.typeName.count).max() ?? 0
        for field in fields {
            let name = field.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            let type = field.typeName.padding(toLength: typeWidth, withPad: " ", startingAt: 0)
            text += "\(indent)\(name)  \(type)  = \(field.number)\n"
            if let enumType = field.enumType {
                text += indent + "    one of " + enumType.values.map(\.name).joined(separator: ", ") + "\n"
            }
            if let nested = field.messageType, !expanding.contains(nested.name) {
                add(nested, indent: indent + "    ", expanding: expanding.union([nested.name]))
            }
        }
    }
}
