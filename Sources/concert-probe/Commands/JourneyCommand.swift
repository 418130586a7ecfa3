import ArgumentParser
import Foundation

/// `concert-probe journey`: one fan's whole path from the waiting line to a paid seat.
struct JourneyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journey",
        abstract: "Walk a fan's path: token, waiting line, concerts, dates, seats, reserve, charge, pay.",
        discussion: ProbeFailure.discussion(
            "Each step prints its latency; times are ISO 8601 UTC. The waiting line (watched with WatchQueue, no "
                + "polling) updates one line in place on a terminal; piped, each update is a line of its own. "
                + "Exits 0 only when the seat is paid."))

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The fan's user id, a UUID; a new random one by default.")
    var user: String?

    @Option(help: "The concert id to buy a seat for; the first open sale's by default.")
    var concert: Int64?

    func run() async throws {
        let journey = FanJourney(userID: user ?? UUID().uuidString.lowercased(), concertID: concert)
        try await connection.withClient { client throws(ProbeFailure) in
            try await journey.run(client)
        }
    }
}
