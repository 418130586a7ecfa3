import ArgumentParser
import ConcertClient
import ConcertProtocol

/// The options every subcommand that talks to a server shares: where the server is and the timeout.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "The server's host name or address.")
    var host = "127.0.0.1"

    @Option(help: "The server's TCP port.")
    var port = 50051

    @Option(help: "How long each call may take, in seconds.")
    var timeout: Double = 10

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1 to 65535.") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive.") }
    }

    /// The per-call timeout.
    var callTimeout: Duration { .milliseconds(Int64(timeout * 1000)) }

    /// Connects a client with these options. The probe shows what the server does, so it neither
    /// reconnects with backoff nor sends a call twice: a connection failure is reported at once, and
    /// every call a bench counts was sent once.
    func connect() async throws(ProbeFailure) -> ConcertClient {
        do {
            return try await ConcertClient.connect(
                host: host, port: port,
                configuration: ClientConfiguration(defaultTimeout: callTimeout, reconnect: .none, retry: .none))
        } catch {
            throw ProbeFailure(error)
        }
    }
}

extension ConnectionOptions {
    /// Connects, runs `body` with the client, and closes the client whatever happens.
    func withClient<T>(_ body: (ConcertClient) async throws(ProbeFailure) -> T) async throws(ProbeFailure) -> T {
        try await connect().closing(after: body)
    }
}

/// Runs one or more calls, turning an ``RPCError`` into the matching ``ProbeFailure``.
func answer<T>(_ calls: () async throws(RPCError) -> T) async throws(ProbeFailure) -> T {
    do {
        return try await calls()
    } catch {
        throw ProbeFailure(error)
    }
}
