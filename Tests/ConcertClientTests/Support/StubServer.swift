import ConcertProtocol
import ConcertRPC
import ConcertTesting
import ConcertServer

/// The real transport and dispatcher serving hand-written routes, e.g. slow or echoing ones.
struct StubServer {
    let server: RPCServer

    var port: Int { server.port }

    /// Starts serving `routes` on a free loopback port.
    static func start(_ routes: [Route]) async throws -> StubServer {
        let server = try await RPCServer(
            configuration: TransportConfiguration(host: "127.0.0.1", port: 0),
            dispatcher: Dispatcher(routes: routes, logger: quietLogger),
            logger: quietLogger)
        return StubServer(server: server)
    }
}

/// Runs `body` against a stub server serving `routes` and always stops it afterwards.
func withStubServer<T>(_ routes: [Route], _ body: (StubServer) async throws -> T) async throws -> T {
    let stub = try await StubServer.start(routes)
    do {
        let result = try await body(stub)
        await stub.server.shutdownGracefully()
        return result
    } catch {
        await stub.server.shutdownGracefully()
        throw error
    }
}
