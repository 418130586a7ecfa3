import ArgumentParser
import ConcertClient
import ConcertProtocol

/// `concert-probe admin changes`: the changes operators made to a sale, newest first (ListSaleChanges).
struct AdminChangesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "List the changes operators made to a sale, newest first.",
        discussion: ProbeFailure.discussion(
            AdminCredentialOptions.discussion + "\n\nPiped, each change (SaleChange) is one line of JSON."))

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var credentials: AdminCredentialOptions

    @Option(help: "The concert whose sale's changes to list.")
    var concert: Int64

    @Option(help: "At most this many; 0 for the server's default (100), at most 1000.")
    var limit: UInt32 = 0

    func run() async throws {
        let (concert, limit) = (self.concert, self.limit)
        let changes = try await connection.withAdminCaller(credentials) { caller throws(ProbeFailure) in
            try await answer { () throws(RPCError) in try await caller.listSaleChanges(concertID: concert, limit: limit) }
                .changes
        }
        if changes.isEmpty && Console.outputIsTerminal { Console.line("no changes to the sale of concert \(concert)") }
        for change in changes {
            try AdminOutput.print(change) {
                let old = change.oldValue.isEmpty ? "" : "\(change.oldValue) -> "
                return "#\(change.id) \(FanJourney.time(change.atUnixMs)) \(change.what): \(old)\(change.newValue) by \(change.madeBy)"
            }
        }
    }
}
