public import ConcertProtocol
internal import NIOCore

/// One method path bound to the code that serves it, decoding the request from the frame's
/// memory and leaving the response for the transport to pack into its outbound buffer.
public struct Route: Sendable {
    /// The method this route serves.
    public let method: MethodDescriptor
    /// How the route serves a call.
    let kind: Kind

    /// A unary call's reply, or a stream's start.
    enum Kind: Sendable {
        /// Serves one call: the request payload in, the reply out.
        case unary(@Sendable (_ payload: ByteBuffer, _ context: RequestContext) -> Reply<any CBridgedMessage>)
        /// Starts one stream on `sink`; returns what ends it early (a cancel or a close), or throws
        /// when it could not start.
        case serverStreaming(
            @Sendable (_ payload: ByteBuffer, _ context: RequestContext, _ sink: StreamSink) throws -> @Sendable () -> Void)
    }

    /// Binds `rpc` to `handler`, which replies now (on the event loop that read the request:
    /// it must not block for long) or later. A payload that does not decode as the request
    /// message fails with INVALID_ARGUMENT, reason `MALFORMED_PAYLOAD`; one with a string that
    /// holds NUL or is not UTF-8 with INVALID_ARGUMENT, `INVALID_STRING`; one with more fields
    /// than ``PayloadInspection/maxRequestElements`` with RESOURCE_EXHAUSTED, `REQUEST_TOO_COMPLEX`.
    package init<Request: CBridgedMessage, Response: CBridgedMessage>(
        _ rpc: RPC<Request, Response>,
        replying handler: @escaping @Sendable (Request, RequestContext) throws -> Reply<Response>
    ) {
        self.method = rpc.descriptor
        self.kind = .unary { payload, context in
            let reply = Reply<Response>(catching: { try handler(Self.decode(Request.self, payload), context) })
            return reply.map { response -> any CBridgedMessage in response }
        }
    }

    /// Binds the server-streaming `rpc` to `handler`, which runs on the event loop that read the request
    /// (it must not block) and keeps the ``ServerStream`` to send on. What it throws ends the call at once.
    package init<Request: CBridgedMessage, Response: CBridgedMessage>(
        _ rpc: RPC<Request, Response>,
        streaming handler: @escaping @Sendable (Request, RequestContext, ServerStream<Response>) throws -> Void
    ) {
        self.method = rpc.descriptor
        self.kind = .serverStreaming { payload, context, sink in
            let request = try Self.decode(Request.self, payload)
            let stream = ServerStream<Response>(
                deliver: { message in sink.send(message) }, end: { error in sink.finish(error) })
            try handler(request, context, stream)
            return { stream.terminate() }
        }
    }

    /// Decodes a request payload with the request limits; failures are the wire's errors.
    private static func decode<Request: CBridgedMessage>(_: Request.Type, _ payload: ByteBuffer) throws(RPCError) -> Request {
        do throws(ProtoDecodingError) {
            return try CBridge.decode(Request.self, from: payload, maxElements: PayloadInspection.maxRequestElements)
        } catch {
            throw RPCError(requestDecoding: error)
        }
    }

    /// Binds `rpc` to an `async` handler, run in a task of its own for each call.
    package init<Request: CBridgedMessage, Response: CBridgedMessage>(
        _ rpc: RPC<Request, Response>,
        handler: @escaping @Sendable (Request, RequestContext) async throws -> Response
    ) {
        self.init(rpc, replying: { request, context in .task { try await handler(request, context) } })
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
