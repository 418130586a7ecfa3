public import ConcertProtocol

/// How a test reaches the server: the same test runs along each path.
public enum CallPath: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Real TCP on loopback, raw frames on a fresh connection per call.
    case tcp
    /// The dispatcher called directly.
    case inProcess
    /// The Swift client library over one TCP connection.
    case client

    /// The path's name, as tests show it.
    public var description: String { rawValue }

    /// A caller for `server` along this path, carrying `token`. The `.client` callers of one server share
    /// its client's connection, opened on first use and closed when the server stops.
    public func caller(_ server: LiveServer, token: String? = nil) async throws -> any RPCCaller {
        switch self {
        case .tcp: WireCaller(port: server.port, token: token)
        case .inProcess: InProcessCaller(dispatcher: server.application.dispatcher, token: token)
        case .client: try await server.clients.client(port: server.port).caller(token: token)
        }
    }
}
