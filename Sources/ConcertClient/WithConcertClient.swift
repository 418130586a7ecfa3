/// Connects to the server at `host`:`port`, runs `body` with the client, and closes the client when
/// `body` returns or throws: new calls are refused, the calls still in flight (say, of tasks `body`
/// started and did not wait for) finish within their deadlines, then the connection closes.
///
/// ```swift
/// let concerts = try await withConcertClient(port: 50051) { client in
///     try await client.listConcerts().concerts
/// }
/// ```
///
/// - Returns: What `body` returns.
/// - Throws: UNAVAILABLE / `CONNECTION_FAILED` when the connection cannot be opened; whatever `body` throws.
public func withConcertClient<Result>(
    host: String = "127.0.0.1",
    port: Int = 50051,
    configuration: ClientConfiguration = ClientConfiguration(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (ConcertClient) async throws -> Result
) async throws -> Result {
    try await ConcertClient.connect(host: host, port: port, configuration: configuration).closing(after: body)
}

extension ConcertClient {
    /// Runs `body` with this client, then closes it gracefully (``close(immediately:)``) whether `body`
    /// returns or throws.
    ///
    /// - Returns: What `body` returns.
    /// - Throws: Whatever `body` throws.
    public func closing<Result, Failure: Error>(
        isolation: isolated (any Actor)? = #isolation,
        after body: (ConcertClient) async throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        do {
            let result = try await body(self)
            await close()
            return result
        } catch {
            await close()
            throw error
        }
    }
}
