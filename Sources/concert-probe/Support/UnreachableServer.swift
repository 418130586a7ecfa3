import ConcertProtocol
import Foundation

/// A human sentence for a connection that could not be opened, in place of the networking library's
/// own text: `cannot connect to 127.0.0.1:50051: connection refused — is concert-server running?`.
enum UnreachableServer {
    /// The sentence for `error` (UNAVAILABLE / `CONNECTION_FAILED`), whose message names the address
    /// and the underlying failure.
    static func message(for error: RPCError) -> String {
        let address = Self.address(in: error.message) ?? "the server"
        return "cannot connect to \(address): \(cause(in: error.message)) — is concert-server running?"
    }

    /// The address in the client's `Could not connect to HOST:PORT: …` message.
    private static func address(in message: String) -> String? {
        let prefix = "Could not connect to "
        guard message.hasPrefix(prefix) else { return nil }
        let rest = message.dropFirst(prefix.count)
        guard let end = rest.range(of: ": ") else { return nil }
        return String(rest[..<end.lowerBound])
    }

    /// The failure in a few words, recognised from the underlying error's text.
    private static func cause(in message: String) -> String {
        let text = message.lowercased()
        let causes: [(needles: [String], words: String)] = [
            (["refused"], "connection refused"),
            (["timed out", "timeout"], "no answer (timed out)"),
            (["unreachable"], "network unreachable"),
            (["resolve", "dns", "name or service not known", "nodename"], "the host name does not resolve"),
        ]
        return causes.first { $0.needles.contains(where: text.contains) }?.words ?? "the connection could not be opened"
    }
}
