public import ConcertProtocol
public import ConcertRPC

/// A caller that hands each request envelope straight to the server's dispatcher, with no
/// transport in between, so a test can run the same calls in-process and over TCP.
public struct InProcessCaller: RPCCaller {
    /// The dispatcher that serves the calls.
    public let dispatcher: Dispatcher
    /// The queue token sent with every call, if any.
    public var token: String?

    /// A caller dispatching to `dispatcher` with `token`.
    public init(dispatcher: Dispatcher, token: String? = nil) {
        self.dispatcher = dispatcher
        self.token = token
    }

    /// Dispatches one call and maps a non-OK answer to ``RPCError``.
    public func call<Request, Response>(
        _ rpc: RPC<Request, Response>,
        _ request: Request,
        timeout: Duration?
    ) async throws(RPCError) -> Response {
        let answer = await dispatcher.dispatch(WireCaller.envelope(rpc, request, token: token))
        return try WireCaller.decode(answer, as: Response.self)
    }
}
