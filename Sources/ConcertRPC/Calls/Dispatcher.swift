public import ConcertProtocol
public import Logging
internal import NIOCore
internal import Synchronization

/// Routes each call by method path to its handler and turns every failure into an
/// ``RPCError``. Knows nothing of connections, so tests can drive it in-process.
public struct Dispatcher: Sendable {
    private let routes: RouteTable
    private let services: Set<String>
    private let logger: Logger
    private let translate: @Sendable (any Error) -> RPCError?
    private let observation: CallObservation

    /// Creates a dispatcher over `routes`; a path served twice is a programming error.
    /// `translate` turns the handlers' own errors into wire errors; an error it leaves
    /// (returns nil for) is logged and answered INTERNAL.
    public init(routes: [Route], logger: Logger, translate: @escaping @Sendable (any Error) -> RPCError? = { _ in nil }) {
        self.routes = RouteTable(routes)
        self.services = Set(routes.map(\.method.service))
        self.logger = logger
        self.translate = translate
        observation = CallObservation(methods: routes.map(\.method), logger: logger)
    }

    /// What serving a call started.
    package enum Served {
        /// A unary call's reply (also the answer to a stream that could not start). It fails only with
        /// ``RPCError``s.
        case reply(Reply<any CBridgedMessage>)
        /// A stream now running on the sink, and what to call to end it early (cancel, close).
        case stream(terminate: @Sendable () -> Void)
    }

    /// Serves one call. A call to a method that needs a queue token and carries none is refused here,
    /// UNAUTHENTICATED / TOKEN_MISSING, before any handler runs. A streaming method gets `openStream()`'s
    /// sink (the errors that end it are translated like a unary call's); where `openStream` gives none
    /// (in-process callers are unary) it is answered UNIMPLEMENTED without running.
    package func serve(_ call: IncomingCall, openStream: () -> StreamSink?) -> Served {
        let start = observation.started()
        guard let (index, route) = routes[call.method] else {
            return .reply(observed(Reply(failure: unroutable(call.methodPath)), route: nil, call: call, start: start))
        }
        let context = RequestContext(requestID: call.id, metadata: call.metadata)
        if route.method.requiresToken, context.queueToken == nil {
            return .reply(observed(Reply(failure: RPCError.tokenMissing), route: index, call: call, start: start))
        }
        let method = route.method
        switch route.kind {
        case .unary(let serve):
            let reply = serve(call.payload, context).mappingFailure { error in self.failure(for: error, method: method) }
            return .reply(observed(reply, route: index, call: call, start: start))
        case .serverStreaming(let startStream):
            guard let sink = openStream() else {
                return .reply(
                    observed(
                        Reply(
                            failure: RPCError(
                                code: .unimplemented, reason: .unknownMethod,
                                message: "A streaming method cannot be called in-process.")),
                        route: index, call: call, start: start))
            }
            let ending = StreamEnding(observation: observation, route: index, call: call, start: start)
            let translated = StreamSink(
                send: sink.send,
                finish: { error in
                    let failure = error.map { self.failure(for: $0, method: method) }
                    ending.record(failure)
                    sink.finish(failure)
                })
            do {
                let terminate = try startStream(call.payload, context, translated)
                return .stream(terminate: {
                    ending.record(.cancelled)
                    terminate()
                })
            } catch {
                return .reply(
                    observed(Reply(failure: failure(for: error, method: method)), route: index, call: call, start: start))
            }
        }
    }

    /// `reply`, recorded by ``CallObservation`` when it completes: now when it is ready, else when its
    /// completion runs.
    private func observed(
        _ reply: Reply<any CBridgedMessage>, route: Int?, call: IncomingCall, start: NIODeadline
    ) -> Reply<any CBridgedMessage> {
        let observation = self.observation
        switch reply.state {
        case .ready(let result):
            observation.finished(route: route, call: call, start: start, failure: result.rpcFailure)
            return reply
        case .pending(let begin):
            return Reply { completion in
                begin { result in
                    observation.finished(route: route, call: call, start: start, failure: result.rpcFailure)
                    completion(result)
                }
            }
        }
    }

    /// Serves a unary call; a streaming method is answered UNIMPLEMENTED (in-process callers are unary).
    package func serve(_ call: IncomingCall) -> Reply<any CBridgedMessage> {
        guard case .reply(let reply) = serve(call, openStream: { nil }) else {
            preconditionFailure("no stream starts without a sink")
        }
        return reply
    }

    /// Serves `request` in-process and returns its response envelope; never throws.
    public func dispatch(_ request: RequestEnvelope) async -> ResponseEnvelope {
        let reply = serve(IncomingCall(request))
        let result = await withCheckedContinuation { continuation in
            reply.whenComplete { continuation.resume(returning: $0) }
        }
        switch result {
        case .success(let response):
            return ResponseEnvelope(id: request.id, code: .ok, payload: response.serializedBytes())
        case .failure(let error):
            return ResponseEnvelope(request.id, failure: error as? RPCError ?? .internalFailure)
        }
    }

    private func unroutable(_ path: String) -> RPCError {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0].isEmpty, services.contains(String(parts[1])) {
            return RPCError(
                code: .unimplemented, reason: .unknownMethod,
                message: "Service \(parts[1]) has no method \(parts[2]).")
        }
        if parts.count == 3, parts[0].isEmpty {
            return RPCError(code: .unimplemented, reason: .unknownService, message: "No service is named \(parts[1]).")
        }
        return RPCError(
            code: .unimplemented, reason: .unknownMethod,
            message: "A method path has the form /package.Service/Method.")
    }

    private func failure(for error: any Error, method: MethodDescriptor) -> RPCError {
        if let rpcError = error as? RPCError { return rpcError }
        if let translated = translate(error) { return translated }
        logger.error("unexpected error serving request", metadata: ["method": "\(method.path)", "error": "\(error)"])
        return .internalFailure
    }
}

extension RPCError {
    /// The answer to a call without the queue token its method needs.
    static let tokenMissing = RPCError(
        code: ErrorReason.tokenMissing.statusCode, reason: .tokenMissing, message: "A queue token is required.")

    /// The answer to a call that failed in a way the server did not foresee.
    static let internalFailure = RPCError(
        code: .internal, reason: .internalError, message: "The server failed to complete the call.")
}

extension Reply {
    /// The same reply with its error replaced by `transform`'s.
    func mappingFailure(_ transform: @escaping @Sendable (any Error) -> any Error) -> Reply {
        switch state {
        case .ready(.success): return self
        case .ready(.failure(let error)): return Reply(failure: transform(error))
        case .pending(let start):
            return Reply { completion in start { result in completion(result.mapError(transform)) } }
        }
    }
}

/// Records a stream's end once: when its handler finishes it, or when the transport ends it first (a
/// cancel, a close, a shutdown: recorded CANCELLED).
private final class StreamEnding: Sendable {
    private let observation: CallObservation
    private let route: Int
    private let call: IncomingCall
    private let start: NIODeadline
    private let recorded = Atomic(false)

    init(observation: CallObservation, route: Int, call: IncomingCall, start: NIODeadline) {
        self.observation = observation
        self.route = route
        self.call = call
        self.start = start
    }

    /// Records the end with `failure` (nil: OK) unless an end was recorded already.
    func record(_ failure: RPCError?) {
        guard !recorded.exchange(true, ordering: .relaxed) else { return }
        observation.finished(route: route, call: call, start: start, failure: failure)
    }
}

extension Result where Failure == any Error {
    /// The wire error of a failed outcome (INTERNAL for an error that is not one), nil for a success.
    fileprivate var rpcFailure: RPCError? {
        guard case .failure(let error) = self else { return nil }
        return error as? RPCError ?? .internalFailure
    }
}

extension ResponseEnvelope {
    /// The response carrying `failure` for request `id`.
    init(_ id: UInt64, failure: RPCError) {
        self.init(id: id, code: failure.code, message: failure.message, reason: failure.reason)
    }
}

/// The routes by method path, looked up by the path's bytes as they arrived (no string is made).
private struct RouteTable: Sendable {
    private let entries: [(path: [UInt8], route: Route)]

    init(_ routes: [Route]) {
        var seen: Set<String> = []
        for route in routes {
            precondition(seen.insert(route.method.path).inserted, "\(route.method.path) is routed twice")
        }
        entries = routes.map { (Array($0.method.path.utf8), $0) }
    }

    /// The route for `path` and its index in the routes given at creation.
    subscript(path: ByteBuffer) -> (index: Int, route: Route)? {
        path.withUnsafeReadableBytes { bytes in
            entries.firstIndex { $0.path.count == bytes.count && $0.path.elementsEqual(bytes) }.map { ($0, entries[$0].route) }
        }
    }
}
