import ArgumentParser
import ConcertClient
import ConcertProtocol

/// `concert-probe admin revoke`: ends one fan's token at once (RevokeToken).
struct AdminRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "End a fan's token at once: its place or slot is freed and its holds released.",
        discussion: ProbeFailure.discussion(
            AdminCredentialOptions.discussion + "\n\n"
                + "Name the token with --token, or with --user and --concert (the user's latest token for that sale)."))

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var credentials: AdminCredentialOptions

    @Option(help: "The queue token to revoke.")
    var token: String?

    @Option(help: "With --concert: the user whose token to revoke.")
    var user: String?

    @Option(help: "With --user: the sale of the user's token.")
    var concert: Int64?

    @Option(help: "Why, recorded with the change (up to 200 characters).")
    var reason = ""

    func validate() throws {
        switch (token, user, concert) {
        case (.some, nil, nil), (nil, .some, .some): return
        default: throw ValidationError("Give --token, or --user with --concert.")
        }
    }

    func run() async throws {
        let request = RevokeTokenRequest(token: token ?? "", userID: user ?? "", concertID: concert ?? 0, reason: reason)
        let response = try await connection.withAdminCaller(credentials) { caller throws(ProbeFailure) in
            try await answer { () throws(RPCError) in try await caller.revokeToken(request) }
        }
        try AdminOutput.print(response) {
            let state = response.status?.state.name ?? "unknown"
            guard response.revoked else { return "not revoked: the token had already ended (\(state))" }
            return "revoked: the token is \(state) now, \(response.holdsReleased) hold\(response.holdsReleased == 1 ? "" : "s") released"
        }
    }
}
