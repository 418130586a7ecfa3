import ConcertProtocol
import Foundation

/// A human sentence for a connection that could not be opened, in place of the networking library's
/// own text: `cannot connect to 127.0.0.1:50051: connection refused — is concert-server running?`.
enum UnreachableServer {
    /// The sentence for `error` (UNAVAILABLE / `CONNECTION_FAILED`), whose message is the client's
    /// `Could not connect to HOST:PORT: WORDS.`
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

    /// The failure in the client's words (`connection refused`, `timed out`, …), after the address.
    private static func cause(in message: String) -> String {
        guard let start = message.range(of: ": ") else { return "the connection could not be opened" }
        let words = message[start.upperBound...]
        return String(words.hasSuffix(".") ? words.dropLast() : words)
    }
}
