import ArgumentParser
import ConcertClient
import ConcertProtocol

/// `concert-probe bench`: load tests with a weighted mix of calls, or the seat contention race.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load-test the server with a mix of calls, or race fans for the seats of one date.",
        discussion: ProbeFailure.discussion(
            """
            --scenario mix (the default) issues tokens for C × K fans, then keeps K calls in flight on each \
            of C connections for the warm-up and the duration, drawing each fan's next call from --mix \
            (operations: issue, status, concerts, dates, seats, reserve, reservation, balance, charge, pay). \
            It reports per method the calls, errors, throughput and latency percentiles (HDR histogram, µs), \
            and the errors by status.

            Reserving and paying need ACTIVE tokens, and the server keeps at most --max-active tokens active \
            (default 100): start it with --max-active of at least C × K (and F for the contention scenario), \
            e.g. concert-server --max-active 100000. Fans that are still WAITING poll their status instead of \
            reserving or paying; fans whose token expired (after paying) issue a new one.

            --scenario contention issues tokens for F fans (all must be ACTIVE), has them race for the free \
            seats of one date (reserve a random free seat until one holds, then charge and pay), then checks \
            with GetReservation and ListAvailableSeats that no seat was held or sold twice. A violation exits 1. \
            Seats sold in a run stay sold: use a fresh database for each contention run.
            """))

    /// The benchmark to run.
    enum Scenario: String, ExpressibleByArgument, CaseIterable {
        /// The weighted mix of calls.
        case mix
        /// The seat contention race.
        case contention
    }

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "mix or contention.")
    var scenario = Scenario.mix

    @Option(help: "C: how many connections.")
    var connections = 4

    @Option(name: .customLong("in-flight"), help: "K: how many calls each connection keeps in flight.")
    var inFlight = 16

    @Option(help: "D: how long to record, in seconds.")
    var duration: Double = 10

    @Option(help: "W: how long to run before recording, in seconds.")
    var warmup: Double = 2

    @Option(help: "The operations and their weights, name=weight separated by commas.")
    var mix = BenchMix.standard

    @Option(help: "F: how many fans race in the contention scenario.")
    var fans = 200

    @Option(help: "The concert whose sale the fans queue and buy in; the first open sale's by default.")
    var concert: Int64?

    @Flag(help: "Print the results as JSON.")
    var json = false

    func validate() throws {
        guard connections > 0, inFlight > 0 else { throw ValidationError("--connections and --in-flight must be positive.") }
        guard duration > 0, warmup >= 0 else { throw ValidationError("--duration must be positive, --warmup not negative.") }
        guard fans > 0 else { throw ValidationError("--fans must be positive.") }
    }

    func run() async throws {
        let clients = try await connectAll()
        do {
            try await run(on: clients)
            for client in clients { await client.close() }
        } catch {
            for client in clients { await client.close() }
            throw error
        }
    }

    private func run(on clients: [ConcertClient]) async throws(ProbeFailure) {
        switch scenario {
        case .mix:
            let chosen = try await SaleChoice.concert(concert, with: clients[0])
            let plan = MixBench.Plan(
                connections: connections, inFlight: inFlight, duration: .milliseconds(Int64(duration * 1000)),
                warmup: .milliseconds(Int64(warmup * 1000)), mix: mix, concertID: chosen.id)
            let result = try await answer { () throws(RPCError) in try await MixBench(plan: plan).run(clients: clients) }
            let report = MixBenchReport(result: result)
            Console.line(json ? report.json.prettyPrinted : report.table)
        case .contention:
            let result = try await ContentionBench(fans: fans, concertID: concert).run(clients: clients)
            let report = ContentionReport(result: result)
            Console.line(json ? report.json.prettyPrinted : report.text)
            guard result.verification.violations.isEmpty else {
                throw .checkFailed("\(result.verification.violations.count) violations")
            }
        }
    }

    private func connectAll() async throws(ProbeFailure) -> [ConcertClient] {
        var clients: [ConcertClient] = []
        for _ in 0..<connections {
            clients.append(try await connection.connect())
        }
        return clients
    }
}
