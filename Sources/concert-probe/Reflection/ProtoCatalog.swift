import CConcertProto
import CProtobufC
import ConcertProtocol

/// Every message and enum type of the protocol, found by walking the fields of the services'
/// request and response types and of the envelopes (protoc-c generates no file descriptor to list them).
enum ProtoCatalog {
    /// Every message type, in the order first reached.
    static var messages: [ProtoMessageType] {
        let roots =
            ProtoMethod.all.flatMap { [$0.input, $0.output] }
            + [RequestEnvelope.cDescriptor, ResponseEnvelope.cDescriptor].map(ProtoMessageType.init(descriptor:))
        var found: [ProtoMessageType] = []
        var seen: Set<String> = []
        var pending = roots
        while !pending.isEmpty {
            let type = pending.removeFirst()
            guard seen.insert(type.name).inserted else { continue }
            found.append(type)
            pending += type.fields.compactMap(\.messageType)
        }
        return found
    }

    /// Every enum type: those fields use, and the reasons (a string on the wire).
    static var enums: [ProtoEnumType] {
        var found: [ProtoEnumType] = []
        var seen: Set<String> = []
        let used = messages.flatMap { $0.fields.compactMap(\.enumType) }
        for type in used + [ProtoEnumType(descriptor: errorReasonDescriptor)] where seen.insert(type.name).inserted {
            found.append(type)
        }
        return found
    }

    /// A copy of protoc-c's `ErrorReason` descriptor (its names and values stay in the C tables) at an
    /// address of its own, since Swift gives no lasting address of an imported C constant.
    nonisolated(unsafe) private static let errorReasonDescriptor: UnsafePointer<ProtobufCEnumDescriptor> = {
        let copy = UnsafeMutablePointer<ProtobufCEnumDescriptor>.allocate(capacity: 1)
        copy.initialize(to: concert__v1__error_reason__descriptor)
        return UnsafePointer(copy)
    }()

    /// The message type named `name`, fully qualified (`concert.v1.Seat`) or not (`Seat`), in any letter case.
    static func message(named name: String) -> ProtoMessageType? {
        messages.first { matches($0.name, name) }
    }

    /// The enum type named `name`, fully qualified (`concert.v1.TokenState`) or not, in any letter case.
    static func enumType(named name: String) -> ProtoEnumType? {
        enums.first { matches($0.name, name) }
    }

    /// The methods of the service named `name` (`concert.v1.QueueService` or `QueueService`), or nil.
    static func service(named name: String) -> [ProtoMethod]? {
        let methods = ProtoMethod.all.filter { matches($0.service, name) }
        return methods.isEmpty ? nil : methods
    }

    /// Whether `fullName` is `name`, with or without its package, ignoring letter case.
    private static func matches(_ fullName: String, _ name: String) -> Bool {
        let wanted = name.lowercased()
        let full = fullName.lowercased()
        return full == wanted || full.split(separator: ".").last.map(String.init) == wanted
    }
}
