public import ConcertClient
import Synchronization

/// The `ConcertClient` a live server's `.client` callers share, connected on first use and closed by ``close()``.
public final class ClientPool: Sendable {
    private let opened = Mutex<ConcertClient?>(nil)

    /// An empty pool.
    public init() {}

    /// The client connected to the server on loopback `port`, connecting it on first use.
    public func client(port: Int) async throws -> ConcertClient {
        if let client = opened.withLock({ $0 }) { return client }
        let client = try await ConcertClient.connect(host: "127.0.0.1", port: port)
        let (kept, extra) = opened.withLock { opened -> (ConcertClient, ConcertClient?) in
            if let existing = opened { return (existing, client) }
            opened = client
            return (client, nil)
        }
        await extra?.close()
        return kept
    }

    /// Closes the client, if one was opened.
    public func close() async {
        await opened.withLock { $0 }?.close()
    }
}
