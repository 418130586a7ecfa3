import ArgumentParser
import ConcertProtocol
import Foundation

/// `concert-probe queue`: one sale's line, or every sale when no concert is named.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "Show a sale's line: its state, times, waiting and active fans, admission rate.",
        discussion: ProbeFailure.exitCodes)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The concert whose sale to show; every sale by default.")
    var concert: Int64?

    func run() async throws {
        try await connection.withClient { client throws(ProbeFailure) in
            let ids: [Int64]
            if let concert {
                ids = [concert]
            } else {
                ids = try await answer { () throws(RPCError) in try await client.listConcerts(ListConcertsRequest()) }
                    .concerts.map(\.id)
            }
            for id in ids {
                let line = try await answer { () throws(RPCError) in try await client.getSaleLine(concertID: id) }
                Console.line(Self.describe(line))
            }
        }
    }

    /// A few lines describing one sale's line.
    static func describe(_ line: GetSaleLineResponse) -> String {
        guard let sale = line.sale else { return "no sale" }
        let closes = sale.closesAtUnixMs == 0 ? "never" : FanJourney.time(sale.closesAtUnixMs)
        let cap = sale.admissionsPerInterval == 0 ? "no cap" : "\(sale.admissionsPerInterval) per \(sale.admissionIntervalMs) ms"
        let last = line.lastAdmissionUnixMs == 0 ? "never" : FanJourney.time(line.lastAdmissionUnixMs)
        return """
            sale of concert \(sale.concertID): \(sale.state.name)
              pre-queue opens \(FanJourney.time(sale.preQueueOpensAtUnixMs)), opens \(FanJourney.time(sale.opensAtUnixMs)), closes \(closes)
              waiting \(line.waiting), active \(line.active) of \(sale.maxActive) (\(cap)), admitted \(line.admittedLastMinute) in the last minute, last at \(last)
            """
    }
}
