import ArgumentParser
import ConcertClient
import ConcertProtocol
import Foundation

/// `concert-probe top`: every sale's line, refreshed (ListSaleStats), as `top` shows processes.
struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "A live view of every sale's line: state, pause, pre-queue, waiting, active / N, admissions, drops.",
        discussion: ProbeFailure.discussion(
            AdminCredentialOptions.discussion + "\n\n"
                + """
                On a terminal the screen is cleared and redrawn at each refresh; piped, each refresh prints a line \
                "at TIME: N sales" and then the table, and a blank line after it. Runs until interrupted, or \
                --count refreshes.
                """))

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var credentials: AdminCredentialOptions

    @Option(help: "Seconds between refreshes.")
    var interval: Double = 1

    @Option(help: "Stop after this many refreshes; never by default.")
    var count: Int?

    func validate() throws {
        guard interval > 0 else { throw ValidationError("--interval must be positive.") }
        guard (count ?? 1) >= 1 else { throw ValidationError("--count must be 1 or more.") }
    }

    func run() async throws {
        let (interval, count) = (self.interval, self.count)
        let place = "\(connection.host):\(connection.port)"
        try await connection.withAdminCaller(credentials) { caller throws(ProbeFailure) in
            var refreshes = 0
            while !Task.isCancelled {
                let sales = try await answer { () throws(RPCError) in try await caller.listSaleStats() }.sales
                Self.show(sales, of: place, every: interval)
                refreshes += 1
                if let count, refreshes >= count { return }
                try? await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
            }
        }
    }

    /// Prints one refresh: on a terminal a cleared screen with a title and the table; piped, a time
    /// line, the table and a blank line.
    private static func show(_ sales: [SaleStats], of place: String, every interval: Double) {
        let now = Date().formatted(.iso8601)
        let table = SaleTable.render(sales)
        if Console.outputIsTerminal {
            Console.write("\u{1B}[H\u{1B}[2J")
            Console.line("concert-probe top: \(place), \(now), every \(interval) s, \(sales.count) sales")
            Console.line()
            Console.write(table)
        } else {
            Console.line("at \(now): \(sales.count) sales")
            Console.write(table)
            Console.line()
        }
    }
}
