/// Names one method of one service, as it appears on the wire.
public struct MethodDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// The fully-qualified service name, e.g. `concert.v1.ReservationService`.
    public let service: String
    /// The method name, e.g. `ReserveSeat`.
    public let method: String
    /// The fully-qualified request message name.
    public let requestType: String
    /// The fully-qualified response message name.
    public let responseType: String
    /// The method path carried in the request envelope, `/service/method`.
    public let path: String
    /// Whether a call needs a `queue-token` metadata entry (`@token` in the .proto file).
    public let requiresToken: Bool
    /// Whether the method answers with a stream of messages and a final status.
    public let serverStreaming: Bool

    /// Describes the method `method` of `service` with its message names and its need for a token.
    public init(
        service: String, method: String, requestType: String, responseType: String, requiresToken: Bool = false,
        serverStreaming: Bool = false
    ) {
        self.service = service
        self.method = method
        self.requestType = requestType
        self.responseType = responseType
        self.path = "/\(service)/\(method)"
        self.requiresToken = requiresToken
        self.serverStreaming = serverStreaming
    }

    /// The method path.
    public var description: String { path }
}

/// A service and its methods, in declaration order.
public struct ServiceDescriptor: Sendable, Hashable {
    /// The fully-qualified service name.
    public let name: String
    /// The service's methods.
    public let methods: [MethodDescriptor]

    /// Describes the service `name` with its `methods`.
    public init(name: String, methods: [MethodDescriptor]) {
        self.name = name
        self.methods = methods
    }
}

/// A method together with its request and response types, so calls and routes are typed.
public struct RPC<Request: ProtoMessage, Response: ProtoMessage>: Sendable {
    /// The method's names.
    public let descriptor: MethodDescriptor

    /// Describes the method `method` of `service` and its need for a token.
    public init(
        service: String, method: String, requestType: String, responseType: String, requiresToken: Bool = false,
        serverStreaming: Bool = false
    ) {
        self.descriptor = MethodDescriptor(
            service: service, method: method, requestType: requestType, responseType: responseType,
            requiresToken: requiresToken, serverStreaming: serverStreaming)
    }
}
