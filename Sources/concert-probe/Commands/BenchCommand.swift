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
            and the errors by status code with the reasons each code was answered with. -n N records exactly N \
            calls (with no --duration, for as long as they take); --rps R runs an open loop: the calls are due \
            R a second whichever fan is free, and each latency counts from the instant its call was due, so a \
            stall delays and shows in every call queued behind it (coordinated omission corrected). \
            --format csv writes one row per method, --format html one self-contained page with the latency \
            histogram and the throughput over time. A method with no OK call is warned about on standard \
            error and listed in methods_never_ok. On a terminal a progress line runs on standard error.

            Reserving and paying need ACTIVE tokens, and the server keeps at most --max-active tokens active \
            (default 100): start it with --max-active of at least C × K (and F for the contention scenario), \
            e.g. concert-server --max-active 100000. Fans that are still WAITING poll their status instead of \
            reserving or paying; fans whose token expired (after paying) issue a new one.

            --scenario contention issues tokens for F fans (all must be ACTIVE), has them race for the free \
            seats of one date (reserve a random free seat until one holds, then charge and pay), then checks \
            with GetReservation and ListAvailableSeats that no seat was held or sold twice. A violation exits 1. \
            Seats sold in a run stay sold: use a fresh database for each contention run.

            --scenario fans opens F connections, one fan on each with its own token, and has every fan poll \
            GetQueueStatus once per --period seconds at a random phase: the sale-day traffic of fans who each \
            hold a connection and look now and then. It reports the polls' latency and, with --server-pid, the \
            server's CPU per poll and memory per fan (from /proc). Start the server with --max-active 0 so the \
            fans wait, and keep F below both processes' open-file limits.

            --scenario watch opens W connections, one fan on each, all watching their place (WatchQueue), then \
            makes the active fans leave one by one at --rate a second, oldest first, so the fans in line are \
            admitted in turn; it reports the delay from each admission to the pushed ACTIVE (p50/p99), the \
            pushes a second and, with --server-pid, the server's memory per watcher. Start the server with a \
            small --max-active (say 100) so most watchers wait.

            --scenario join has N new fans (--joins, each with a fresh user id) take a place in one sale, K \
            calls in flight on each of C connections, as fast as the server takes them: the opening rush. It \
            reports joins a second, their latency, how many distinct positions the WAITING answers gave (all \
            of them on a fresh sale with --max-active 0) and, with --server-pid, the server's CPU per join.
            """))

    /// The benchmark to run.
    enum Scenario: String, ExpressibleByArgument, CaseIterable {
        /// The weighted mix of calls.
        case mix
        /// The seat contention race.
        case contention
        /// Many fans, each on its own connection, polling now and then.
        case fans
        /// Many fans watching their place while admissions are driven.
        case watch
        /// Many new fans taking places in one sale.
        case join
    }

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "mix, contention, fans, watch or join.")
    var scenario = Scenario.mix

    @Option(help: "C: how many connections.")
    var connections = 4

    @Option(name: .customLong("in-flight"), help: "K: how many calls each connection keeps in flight.")
    var inFlight = 16

    @Option(help: "D: how long to record, in seconds (default 10 unless -n is given).")
    var duration: Double?

    @Option(name: [.customShort("n"), .customLong("requests")], help: "N: how many calls to record (mix scenario).")
    var requests: Int?

    @Option(help: "R: the target calls a second, open loop (mix scenario); by default each fan calls again at once.")
    var rps: Double?

    @Option(help: "W: how long to run before recording, in seconds.")
    var warmup: Double = 2

    @Option(help: "The operations and their weights, name=weight separated by commas.")
    var mix = BenchMix.standard

    @Option(help: "F: how many fans race in the contention scenario, or poll in the fans scenario.")
    var fans = 200

    @Option(help: "How often each fan polls in the fans scenario, in seconds.")
    var period: Double = 10

    @Option(help: "W: how many fans watch in the watch scenario.")
    var watchers = 1000

    @Option(help: "How many active fans leave a second in the watch scenario.")
    var rate: Double = 100

    @Option(help: "N: how many new fans join in the join scenario.")
    var joins = 10_000

    @Option(name: .customLong("server-pid"), help: "The server's process id, to report its CPU and memory (fans, watch and join scenarios).")
    var serverPID: Int32?

    @Option(help: "The concert whose sale the fans queue and buy in; the first open sale's by default.")
    var concert: Int64?

    @Option(help: "table, json, csv or html (csv and html for the mix scenario).")
    var format = BenchFormat.table

    @Flag(help: "Print the results as JSON (the same as --format json).")
    var json = false

    /// The output format in force: `--json` means `--format json`.
    private var output: BenchFormat { json ? .json : format }

    /// How long to record: --duration, else 10 s unless a count was given.
    private var recordFor: Duration? {
        (duration ?? (requests == nil ? 10 : nil)).map { .milliseconds(Int64($0 * 1000)) }
    }

    func validate() throws {
        guard connections > 0, inFlight > 0 else { throw ValidationError("--connections and --in-flight must be positive.") }
        guard duration ?? 1 > 0, warmup >= 0 else { throw ValidationError("--duration must be positive, --warmup not negative.") }
        guard requests ?? 1 > 0, rps ?? 1 > 0 else { throw ValidationError("-n and --rps must be positive.") }
        guard scenario == .mix || (requests == nil && rps == nil) else {
            throw ValidationError("-n and --rps apply to the mix scenario.")
        }
        guard scenario == .mix || output == .table || output == .json else {
            throw ValidationError("--format csv and html apply to the mix scenario.")
        }
        guard fans > 0 else { throw ValidationError("--fans must be positive.") }
        guard period > 0 else { throw ValidationError("--period must be positive.") }
        guard watchers > 0, rate > 0 else { throw ValidationError("--watchers and --rate must be positive.") }
        guard joins > 0 else { throw ValidationError("--joins must be positive.") }
    }

    func run() async throws {
        switch scenario {
        case .fans: try await runFans()
        case .watch: try await runWatch()
        case .mix, .contention, .join: try await runOnSharedClients()
        }
    }

    private func runOnSharedClients() async throws {
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
                connections: connections, inFlight: inFlight, duration: recordFor, requests: requests, rate: rps,
                warmup: .milliseconds(Int64(warmup * 1000)), mix: mix, concertID: chosen.id)
            let result = try await answer { () throws(RPCError) in try await MixBench(plan: plan).run(clients: clients) }
            let report = MixBenchReport(result: result)
            if let warning = report.neverOKWarning { Console.error(warning) }
            switch output {
            case .table: Console.line(report.table)
            case .json: Console.line(report.json.prettyPrinted)
            case .csv: Console.write(MixBenchCSV(report: report).text)
            case .html: Console.write(MixBenchHTML(report: report).text)
            }
        case .fans, .watch:
            preconditionFailure("the fans and watch scenarios connect their own clients")
        case .join:
            let chosen = try await SaleChoice.concert(concert, with: clients[0])
            let plan = JoinBench.Plan(joins: joins, inFlight: inFlight, concertID: chosen.id, serverPID: serverPID)
            let report = JoinReport(result: await JoinBench(plan: plan).run(clients: clients))
            Console.line(output == .json ? report.json.prettyPrinted : report.text)
        case .contention:
            let result = try await ContentionBench(fans: fans, concertID: concert).run(clients: clients)
            let report = ContentionReport(result: result)
            Console.line(output == .json ? report.json.prettyPrinted : report.text)
            guard result.verification.violations.isEmpty else {
                throw .checkFailed("\(result.verification.violations.count) violations")
            }
        }
    }

    private func runFans() async throws(ProbeFailure) {
        let chosen = try await connection.withClient { client throws(ProbeFailure) in
            try await SaleChoice.concert(concert, with: client)
        }
        let plan = FanPollBench.Plan(
            fans: fans, period: .milliseconds(Int64(period * 1000)), duration: recordFor ?? .seconds(10),
            warmup: .milliseconds(Int64(warmup * 1000)), concertID: chosen.id, serverPID: serverPID)
        let options = connection
        let result = try await FanPollBench(plan: plan, connect: { () throws(ProbeFailure) in try await options.connect() }).run()
        let report = FanPollReport(result: result)
        Console.line(output == .json ? report.json.prettyPrinted : report.text)
    }

    private func runWatch() async throws(ProbeFailure) {
        let chosen = try await connection.withClient { client throws(ProbeFailure) in
            try await SaleChoice.concert(concert, with: client)
        }
        let plan = WatchBench.Plan(
            watchers: watchers, rate: rate, duration: recordFor ?? .seconds(10), concertID: chosen.id,
            serverPID: serverPID)
        let options = connection
        let result = try await WatchBench(plan: plan, connect: { () throws(ProbeFailure) in try await options.connect() }).run()
        let report = WatchReport(result: result)
        Console.line(output == .json ? report.json.prettyPrinted : report.text)
    }

    private func connectAll() async throws(ProbeFailure) -> [ConcertClient] {
        var clients: [ConcertClient] = []
        for _ in 0..<connections {
            clients.append(try await connection.connect())
        }
        return clients
    }
}
