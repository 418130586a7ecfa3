import ArgumentParser
import ConcertClient
import ConcertProtocol

/// `concert-probe admin reload`: has the server read its catalog file again (ReloadCatalog).
struct AdminReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Have the server read its catalog file again and serve the concerts, dates and sales it adds.",
        discussion: ProbeFailure.discussion(AdminCredentialOptions.discussion))

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var credentials: AdminCredentialOptions

    func run() async throws {
        let response = try await connection.withAdminCaller(credentials) { caller throws(ProbeFailure) in
            try await answer { () throws(RPCError) in try await caller.reloadCatalog() }
        }
        try AdminOutput.print(response) {
            let concerts = response.concertsAdded.isEmpty ? "none" : response.concertsAdded.map(String.init).joined(separator: ", ")
            return "catalog reloaded: concerts added: \(concerts); dates added: \(response.datesAdded)"
        }
    }
}
