import ConcertProtocol
import CConcertProto
import CProtobufC

/// One method of the protocol with its request and response message types.
struct ProtoMethod {
    /// The fully-qualified service name, e.g. `concert.v1.ReservationService`.
    let service: String
    /// The method name, e.g. `ReserveSeat`.
    let name: String
    /// The request message type.
    let input: ProtoMessageType
    /// The response message type.
    let output: ProtoMessageType

    /// The method path, `/concert.v1.ReservationService/ReserveSeat`.
    var path: String { "/\(service)/\(name)" }

    /// Whether the method answers with a stream (protoc-c's descriptors do not say; the generated method
    /// table does).
    var serverStreaming: Bool {
        ProtocolServices.all.flatMap(\.methods).first { $0.path == path }?.serverStreaming ?? false
    }

    /// Every method of every service, walked from the protobuf-c service descriptors.
    static var all: [ProtoMethod] {
        let services = [
            concert__v1__system_service__descriptor, concert__v1__auth_service__descriptor,
            concert__v1__queue_service__descriptor, concert__v1__reservation_service__descriptor,
            concert__v1__payment_service__descriptor, concert__v1__admin_service__descriptor,
        ]
        return services.flatMap { service in
            (0..<Int(service.n_methods)).map { index in
                let method = service.methods[index]
                return ProtoMethod(
                    service: String(cString: service.name), name: String(cString: method.name),
                    input: ProtoMessageType(descriptor: method.input),
                    output: ProtoMessageType(descriptor: method.output))
            }
        }
    }

    /// The method `spec` names: `ReserveSeat`, `ReservationService/ReserveSeat`,
    /// `concert.v1.ReservationService/ReserveSeat` or the full path with its leading slash.
    static func named(_ spec: String) throws(ProbeFailure) -> ProtoMethod {
        let trimmed = spec.hasPrefix("/") ? String(spec.dropFirst()) : spec
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let matches: [ProtoMethod]
        switch parts.count {
        case 1:
            matches = all.filter { $0.name.lowercased() == parts[0].lowercased() }
        case 2:
            matches = all.filter { method in
                method.name.lowercased() == parts[1].lowercased()
                    && (method.service == parts[0] || method.service.split(separator: ".").last.map(String.init) == parts[0])
            }
        default:
            matches = []
        }
        guard let method = matches.first else {
            throw .badInput("no method \(spec); `concert-probe list` shows them all")
        }
        guard matches.count == 1 else {
            throw .badInput("\(spec) is ambiguous: \(matches.map(\.path).joined(separator: ", "))")
        }
        return method
    }
}
