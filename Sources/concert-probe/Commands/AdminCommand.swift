import ArgumentParser

/// `concert-probe admin`: runs sales live through `concert.v1.AdminService`, with an operator credential.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Run sales live: their figures and settings, pausing, closing, revoking tokens, reloading the catalog.",
        discussion: ProbeFailure.discussion(
            AdminCredentialOptions.discussion + "\n\n"
                + """
                On a terminal each answer is printed as lines for people; piped, each message is one line of JSON \
                (.proto field names), a list one line per item.
                """),
        subcommands: [
            AdminSaleCommand.self, AdminRevokeCommand.self, AdminReloadCommand.self, AdminChangesCommand.self,
        ])
}
