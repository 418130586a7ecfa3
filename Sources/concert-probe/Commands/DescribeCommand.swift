import Foundation
import ArgumentParser

/// `concert-probe describe SYMBOL`: a service's methods, a method's request and response fields, a
/// message's fields or an enum's values, from the protobuf-c descriptors compiled into the probe (no
/// server needed).
struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show a service's methods, a method's or message's fields with their types, or an enum's values.",
        discussion: ProbeFailure.discussion(
            """
            SYMBOL is a service (ReservationService or concert.v1.ReservationService), a method (ReserveSeat, \
            ReservationService/ReserveSeat or /concert.v1.ReservationService/ReserveSeat), a message \
            (ReserveSeatRequest, concert.v1.Seat) or an enum (TokenState, ErrorReason).
            """))

    @Argument(help: "The service, method, message or enum to describe.")
    var symbol: String

    func run() throws {
        if let methods = ProtoCatalog.service(named: symbol) {
            describe(service: methods)
        } else if let method = try? ProtoMethod.named(symbol) {
            describe(method: method)
        } else if let message = ProtoCatalog.message(named: symbol) {
            Console.line("message \(message.name)")
            Console.write(MessageLayout(message).text)
        } else if let enumType = ProtoCatalog.enumType(named: symbol) {
            Console.line("enum \(enumType.name)")
            for value in enumType.values { Console.line("  \(value.name) = \(value.number)") }
        } else {
            throw ProbeFailure.badInput("no service, method, message or enum \(symbol); `concert-probe list` shows them")
        }
    }

    /// Prints a service's name and each of its methods' signature.
    private func describe(service methods: [ProtoMethod]) {
        Console.line("service \(methods[0].service)")
        for method in methods {
            let stream = method.serverStreaming ? "stream " : ""
            Console.line("  rpc \(method.name)(\(method.input.name)) returns (\(stream)\(method.output.name))")
        }
    }

    /// Prints a method's path and its request and response fields.
    private func describe(method: ProtoMethod) {
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
