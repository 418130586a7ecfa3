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
