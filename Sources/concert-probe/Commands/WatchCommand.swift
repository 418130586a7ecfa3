import ArgumentParser
import ConcertClient
import ConcertProtocol
import Foundation

/// `concert-probe watch`: a token's place as the server pushes it (`QueueService/WatchQueue`).
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch a queue token's place in line as the server pushes it, without polling.",
        discussion: ProbeFailure.discussion(
            """
            Watches --token (or -H queue-token=T), or, with --concert and no token, a new fan who queues for that sale first. On a \
            terminal the status updates one line in place; piped, each update is one line of JSON. Ends when \
            the token can change no more (expired or dropped); interrupting the probe cancels the watch.
            """))

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var metadata: MetadataOptions

    @Option(help: "Without --token: queue a new fan for this concert's sale and watch its token.")
    var concert: Int64?

    func validate() throws {
        guard metadata.effectiveToken != nil || concert != nil else {
            throw ValidationError("Give --token, or --concert to queue a new fan.")
        }
    }

    func run() async throws {
        let interactive = Console.outputIsTerminal
        let metadata = self.metadata
        try await connection.withClient { client throws(ProbeFailure) in
            var token = metadata.effectiveToken
            if token == nil, let concert {
                let issued = try await answer { () throws(RPCError) in
                    try await client.issueToken(userID: UUID().uuidString.lowercased(), concertID: concert)
                }
                token = issued.token
                if interactive { Console.line("token \(issued.token)") }
            }
            var last: QueueStatus?
            let decoder = ProtoJSONDecoder(type: try ProtoMethod.named("WatchQueue").output)
            do {
                for try await update in metadata.caller(client, token: token).watchQueue() {
                    guard let status = update.status else { continue }
                    last = status
                    if interactive {
                        Console.status(FanJourney.describe(status).trimmingCharacters(in: .whitespaces))
                    } else {
                        Console.line(try decoder.decode(update.serializedBytes()).compact)
                    }
                }
            } catch let error as RPCError {
                throw ProbeFailure(error)
            } catch let error as ProbeFailure {
                throw error
            } catch {
                throw .badInput("\(error)")
            }
            if interactive {
                Console.line()
                Console.line("the watch ended: \(last?.state.name ?? "no status")")
            }
        }
    }
}
