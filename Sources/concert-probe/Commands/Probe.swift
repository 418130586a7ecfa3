import ArgumentParser
import ConcertProtocol
import Foundation

/// `concert-probe`: talks to a concert-ticketing server from the command line.
@main
struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concert-probe",
        abstract: "Calls, inspects and load-tests a concert-ticketing server (protocol concert.v1).",
        discussion: ProbeFailure.exitCodes,
        version: "concert-probe \(ConcertVersion.current)",
        subcommands: [
            ListCommand.self, DescribeCommand.self, CallCommand.self, HealthCommand.self, PingCommand.self,
            JourneyCommand.self, WatchCommand.self, BenchCommand.self, QueueCommand.self, AdminCommand.self, TopCommand.self,
        ])

    /// Runs the chosen subcommand and exits with the probe's documented exit codes; a
    /// command line that does not parse is bad input (exit 2).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as ProbeFailure {
            Console.error(failure.description)
            Foundation.exit(failure.exitCode.rawValue)
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            Console.error(fullMessage(for: error))
            Foundation.exit(ProbeFailure.badInputCode)
        }
    }
}
