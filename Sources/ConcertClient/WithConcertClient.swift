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
    let client = try await ConcertClient.connect(host: host, port: port, configuration: configuration)
    do {
        let result = try await body(client)
        await client.close()
        return result
    } catch {
        await client.close()
        throw error
    }
}
