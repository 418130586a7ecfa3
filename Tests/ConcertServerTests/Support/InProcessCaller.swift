import ConcertProtocol
import ConcertRPC
import ConcertServer
import Testing

/// A caller that hands each request envelope straight to the server's dispatcher, with no
/// transport in between, so a test can run the same calls in-process and over TCP.
struct InProcessCaller: RPCCaller {
    let dispatcher: Dispatcher
    var token: String?

    /// Dispatches one call and maps a non-OK answer to ``RPCError``.
    func call<Request, Response>(
        _ rpc: RPC<Request, Response>,
        _ request: Request,
        timeout: Duration?
    ) async throws(RPCError) -> Response {
        let answer = await dispatcher.dispatch(WireCaller.envelope(rpc, request, token: token))
        return try WireCaller.decode(answer, as: Response.self)
    }
}

/// How a test reaches the server.
enum CallPath: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// Real TCP on loopback, raw frames.
    case tcp
    /// The dispatcher called directly.
    case inProcess

    var testDescription: String { rawValue }

    /// A caller for `server` along this route, carrying `token`.
    func caller(_ server: TestServer, token: String? = nil) -> any RPCCaller {
        switch self {
        case .tcp: WireCaller(port: server.port, token: token)
        case .inProcess: InProcessCaller(dispatcher: server.application.dispatcher, token: token)
        }
    }
}
