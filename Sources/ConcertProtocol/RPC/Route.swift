/// One method path bound to the code that serves it, decoding and encoding at the edges.
public struct Route: Sendable {
    /// The method this route serves.
    public let method: MethodDescriptor
    /// Serves one call: the request payload in, the response payload out.
    public let serve: @Sendable (_ payload: [UInt8], _ context: RequestContext) async throws -> [UInt8]

    /// Binds `rpc` to a typed handler. A payload that does not decode as the request
    /// message fails with INVALID_ARGUMENT, reason `MALFORMED_PAYLOAD`; one with a string
    /// that holds NUL or is not UTF-8 with INVALID_ARGUMENT, `INVALID_STRING`; one with more
    /// fields than ``PayloadInspection/maxRequestElements`` with RESOURCE_EXHAUSTED,
    /// `REQUEST_TOO_COMPLEX`.
    public init<Request, Response>(
        _ rpc: RPC<Request, Response>,
        handler: @escaping @Sendable (Request, RequestContext) async throws -> Response
    ) {
        self.method = rpc.descriptor
        let decode = Self.requestDecoder(Request.self)
        self.serve = { payload, context in
            let request: Request
            do throws(ProtoDecodingError) {
                request = try decode(payload)
            } catch {
                throw RPCError(requestDecoding: error)
            }
            return try await handler(request, context).serializedBytes()
        }
    }

    /// A decoder that applies the request limits to `Request`'s generated C bridge.
    private static func requestDecoder<Request: ProtoMessage>(
        _: Request.Type
    ) -> @Sendable ([UInt8]) throws(ProtoDecodingError) -> Request {
        guard let bridged = Request.self as? any CBridgedMessage.Type else {
            return { bytes throws(ProtoDecodingError) in try Request(serializedBytes: bytes) }
        }
        let decode = limitedDecoder(bridged)
        return { bytes throws(ProtoDecodingError) in
            // The cast cannot fail: `bridged` is `Request.self`.
            try decode(bytes) as! Request
        }
    }

    private static func limitedDecoder<Message: CBridgedMessage>(
        _: Message.Type
    ) -> @Sendable ([UInt8]) throws(ProtoDecodingError) -> any ProtoMessage {
        { bytes throws(ProtoDecodingError) in
            let result = bytes.withUnsafeBytes { raw in
                Result { () throws(ProtoDecodingError) in
                    try CBridge.decode(Message.self, from: raw, maxElements: PayloadInspection.maxRequestElements)
                }
            }
            return try result.get()
        }
    }
}

extension RPCError {
    /// The answer to a request payload that failed to decode.
    init(requestDecoding error: ProtoDecodingError) {
        switch error.problem {
        case .malformed:
            self.init(
                code: .invalidArgument, reason: .malformedPayload,
                message: "The payload is not a valid \(error.messageName).")
        case .invalidString(let field):
            self.init(
                code: .invalidArgument, reason: .invalidString,
                message: "The field \(field) of \(error.messageName) holds a NUL byte or is not valid UTF-8.")
        case .tooComplex(let limit):
            self.init(
                code: .resourceExhausted, reason: .requestTooComplex,
                message: "The payload holds more than \(limit) fields.")
        }
    }
}
