public import ConcertProtocol

/// Makes calls over a ``ConcertClient``'s connection with the client's own token (as it is when each
/// call is made) and ``CallOptions``; made by ``ConcertClient/withOptions(_:)``. A successful
/// `IssueToken` through it sets the client's token, as it would through the client.
public struct OptionsScopedCaller: RPCCaller, RPCStreamCaller {
    /// The client whose connection and token the calls use.
    public let client: ConcertClient
    /// The metadata and deadline applied to every call.
    public let options: CallOptions

    /// Creates a caller that calls through `client` with `options`.
    public init(client: ConcertClient, options: CallOptions) {
        self.client = client
        self.options = options
    }

    /// Sends `request` to `rpc` with the client's token and waits for the response, at most `timeout`
    /// (nil: as long as the options say).
    public func call<Request, Response>(
        _ rpc: RPC<Request, Response>,
        _ request: Request,
        timeout: Duration?
    ) async throws(RPCError) -> Response {
        try await client.callWithOwnToken(rpc, request, options: options, timeout: timeout)
    }

    /// Opens a server stream of `rpc` for `request` with the client's token and the options' metadata.
    public func stream<Request, Response>(
        _ rpc: RPC<Request, Response>,
        _ request: Request
    ) -> AsyncThrowingStream<Response, any Error> {
        client.openStream(rpc, request, token: client.token, options: options)
    }
}
