import ArgumentParser
import ConcertProtocol
import Foundation

/// `concert-server`: serves the protocol (the default) or backs up a database.
@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concert-server",
        abstract: "The concert-ticketing server.",
        discussion: """
            Without a subcommand it serves (see `concert-server serve --help`). Every option of serve may also \
            be set as an environment variable: --max-active as CONCERT_MAX_ACTIVE, --no-demo-catalog as \
            CONCERT_DEMO_CATALOG=false; the command line wins.
            """,
        version: ConcertVersion.current,
        subcommands: [ServeCommand.self, BackupCommand.self],
        defaultSubcommand: ServeCommand.self)

    /// Parses the command line, completed from the `CONCERT_*` environment for `serve`, and runs it.
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first != BackupCommand.configuration.commandName {
            arguments = EnvironmentArguments.completing(
                arguments, for: ServeCommand.self, from: ProcessInfo.processInfo.environment)
        }
        await main(arguments)
    }
}
