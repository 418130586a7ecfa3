/// Something that can make typed calls; the generated per-method calls
/// (`issueToken(userID:)`, `reserveSeat(concertID:date:seatNumber:)`, …) extend it.
public protocol RPCCaller: Sendable {
    /// Sends `request` to the method `rpc` and waits for its response.
    ///
    /// - Parameter timeout: How long to wait; nil means the caller's default.
    /// - Throws: ``RPCError`` for any answer that is not OK, and for connection failures.
    func call<Request, Response>(
        _ rpc: RPC<Request, Response>,
        _ request: Request,
        timeout: Duration?
    ) async throws(RPCError) -> Response
}

/// Something that can open server streams; the generated per-method streams (`watchQueue()`) extend it.
public protocol RPCStreamCaller: Sendable {
    /// Opens a stream of `rpc`'s messages for `request`. The sequence ends after the final OK; a final
    /// error is thrown as an ``RPCError``. Cancelling the task that iterates it cancels the call.
    func stream<Request, Response>(
        _ rpc: RPC<Request, Response>,
        _ request: Request
    ) -> AsyncThrowingStream<Response, any Error>
}
