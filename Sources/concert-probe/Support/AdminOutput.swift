import ConcertProtocol

/// How the `admin` commands print an answer: on a terminal, the lines written for people; piped, each
/// message as one line of compact JSON (the .proto field names, as `call` and `watch` print them).
enum AdminOutput {
    /// Prints `message`: `human()` on a terminal, else its JSON on one line.
    static func print<Message: ProtoMessage>(_ message: Message, human: () -> String) throws(ProbeFailure) {
        if Console.outputIsTerminal {
            Console.line(human())
        } else {
            Console.line(try json(message).compact)
        }
    }

    /// The JSON form of `message`, decoded through its protobuf-c descriptor.
    static func json<Message: ProtoMessage>(_ message: Message) throws(ProbeFailure) -> JSONValue {
        guard let type = ProtoCatalog.message(named: Message.protoName) else {
            throw .badInput("no message type \(Message.protoName) in the protocol")
        }
        return try ProtoJSONDecoder(type: type).decode(message.serializedBytes())
    }
}
