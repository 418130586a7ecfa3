import ArgumentParser
import ConcertClient
import ConcertProtocol

/// `concert-probe admin sale`: one sale's figures and settings, and pausing, resuming and closing it.
struct AdminSaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sale",
        abstract: "Show a sale's figures, change its settings, pause, resume or close it.",
        discussion: ProbeFailure.discussion(AdminCredentialOptions.discussion),
        subcommands: [Show.self, AdminSaleSetCommand.self, Pause.self, Resume.self, Close.self])

    /// `admin sale show`: the figures of one sale (GetSaleStats) or of every sale (ListSaleStats).
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a sale's figures: state, line, active / N, admissions, drops, payments, waits, servers.",
            discussion: ProbeFailure.discussion(
                AdminCredentialOptions.discussion + "\n\nPiped, each sale's figures (SaleStats) are one line of JSON."))

        @OptionGroup var connection: ConnectionOptions

        @OptionGroup var credentials: AdminCredentialOptions

        @Option(help: "The concert whose sale to show; every sale by default.")
        var concert: Int64?

        func run() async throws {
            let concert = self.concert
            let sales = try await connection.withAdminCaller(credentials) { caller throws(ProbeFailure) in
                try await answer { () throws(RPCError) -> [SaleStats] in
                    if let concert {
                        return try await caller.getSaleStats(concertID: concert).stats.map { [$0] } ?? []
                    }
                    return try await caller.listSaleStats().sales
                }
            }
            for stats in sales {
                try AdminOutput.print(stats) { SaleText.describe(stats) }
            }
        }
    }

    /// `admin sale pause`: stops admission from the line (PauseAdmission).
    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop admitting from a sale's line; the line keeps its order.",
            discussion: ProbeFailure.discussion(AdminCredentialOptions.discussion))

        @OptionGroup var sale: SaleSwitchOptions

        func run() async throws {
            try await sale.change({ caller, concert throws(RPCError) in try await caller.pauseAdmission(concertID: concert) }, sale: \.sale)
        }
    }

    /// `admin sale resume`: admits from a paused line again (ResumeAdmission).
    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Admit from a paused sale's line again.",
            discussion: ProbeFailure.discussion(AdminCredentialOptions.discussion))

        @OptionGroup var sale: SaleSwitchOptions

        func run() async throws {
            try await sale.change({ caller, concert throws(RPCError) in try await caller.resumeAdmission(concertID: concert) }, sale: \.sale)
        }
    }

    /// `admin sale close`: closes the sale now (CloseSale).
    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a sale now: no new fans; those in line keep their places.",
            discussion: ProbeFailure.discussion(AdminCredentialOptions.discussion))

        @OptionGroup var sale: SaleSwitchOptions

        func run() async throws {
            try await sale.change({ caller, concert throws(RPCError) in try await caller.closeSale(concertID: concert) }, sale: \.sale)
        }
    }
}

/// What `admin sale pause`, `resume` and `close` share: the server, the credential and the sale, and
/// printing the sale the server answers with.
struct SaleSwitchOptions: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var credentials: AdminCredentialOptions

    @Option(help: "The concert whose sale to change.")
    var concert: Int64

    /// Makes `call` for the sale and prints its answer: the `sale` it holds, readable, on a terminal; the
    /// whole answer as a line of JSON, piped.
    func change<Response: ProtoMessage>(
        _ call: (OptionsScopedCaller, Int64) async throws(RPCError) -> Response, sale: (Response) -> ConcertProtocol.Sale?
    ) async throws {
        let concert = self.concert
        let response = try await connection.withAdminCaller(credentials) { caller throws(ProbeFailure) in
            try await answer { () throws(RPCError) in try await call(caller, concert) }
        }
        try AdminOutput.print(response) { sale(response).map(SaleText.describe) ?? "no sale" }
    }
}
