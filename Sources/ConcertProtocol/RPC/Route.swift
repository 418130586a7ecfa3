/// One method path bound to the code that serves it, decoding and encoding at the edges.
public struct Route: Sendable {
    /// The method this route serves.
    public let method: MethodDescriptor
    /// Serves one call: the request payload in, the response payload out.
    public let serve: @Sendable (_ payload: [UInt8], _ context: RequestContext) async throws -> [UInt8]

    /// Binds `rpc` to a typed handler. A payload that does not decode as the request
    /// message fails with INVALID_ARGUMENT, reason `MALFORMED_PAYLOAD`.
    public init<Request, Response>(
        _ rpc: RPC<Request, Response>,
        handler: @escaping @Sendable (Request, RequestContext) async throws -> Response
    ) {
        self.method = rpc.descriptor
        self.serve = { payload, context in
            let request: Request
            do {
                request = try Request(serializedBytes: payload)
            } catch {
                throw RPCError(
                    code: .invalidArgument, reason: .malformedPayload,
                    message: "The payload is not a valid \(Request.protoName).")
            }
            return try await handler(request, context).serializedBytes()
        }
    }
}
