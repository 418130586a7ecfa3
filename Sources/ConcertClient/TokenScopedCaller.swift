public import ConcertProtocol

/// Makes calls over a ``ConcertClient``'s connection with a fixed queue token of its own and
/// ``CallOptions``, so one connection can act for many users; it never changes the client's token.
public struct TokenScopedCaller: RPCCaller, RPCStreamCaller {
    /// The client whose connection carries the calls.
    public let client: ConcertClient
    /// The queue token sent as `queue-token` metadata, or nil for none.
    public let token: String?
    /// The metadata and deadline applied to every call.
    public let options: CallOptions

    /// Creates a caller sending `token` over `client`'s connection with `options`.
    public init(client: ConcertClient, token: String?, options: CallOptions = CallOptions()) {
        self.client = client
        self.token = token
        self.options = options
    }

    /// Sends `request` to `rpc` with this caller's token and waits for the response, at
    /// most `timeout` (nil: as long as the options say).
    public func call<Request, Response>(
        _ rpc: RPC<Request, Response>,
        _ request: Request,
        timeout: Duration?
    ) async throws(RPCError) -> Response {
        try await client.send(rpc, request, token: token, options: options, timeout: timeout)
    }

    /// Opens a server stream of `rpc` for `request` with this caller's token.
    public func stream<Request, Response>(
        _ rpc: RPC<Request, Response>,
        _ request: Request
    ) -> AsyncThrowingStream<Response, any Error> {
        client.openStream(rpc, request, token: token, options: options)
    }
}
