import ArgumentParser
import ConcertClient
import ConcertProtocol

/// `concert-probe admin sale set`: changes a running sale's settings (UpdateSale); only the settings given
/// are sent, so the others stay as they are.
struct AdminSaleSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change a sale's settings while it runs; settings not given stay as they are.",
        discussion: ProbeFailure.discussion(
            AdminCredentialOptions.discussion + "\n\n"
                + """
                The server validates the settings as it does the catalog's and changes nothing when one is bad \
                (exit 3, INVALID_SALE_SETTING). Times are ISO 8601, e.g. 2027-03-01T18:00:00Z. On a terminal the \
                sale and each change made are printed; piped, the UpdateSale answer as one line of JSON.
                """))

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var credentials: AdminCredentialOptions

    @Option(help: "The concert whose sale to change.")
    var concert: Int64

    @Option(help: "N: the most tokens active at once.")
    var maxActive: Int64?

    @Option(help: "K: the most admissions per admission interval; 0 for no cap.")
    var admissionsPerInterval: Int64?

    @Option(help: "The admission interval for K, in milliseconds.")
    var admissionIntervalMs: Int64?

    @Option(help: "T: how long an active token lasts at most, in seconds.")
    var activeSeconds: Double?

    @Option(help: "How long an active token may make no call, in seconds.")
    var activeIdleSeconds: Double?

    @Option(help: ArgumentHelp("When the sale closes, or never.", valueName: "ISO8601|never"))
    var closesAt: SaleTime?

    @Option(help: ArgumentHelp("When the sale opens; only before it has opened.", valueName: "ISO8601"))
    var opensAt: SaleTime?

    func validate() throws {
        let given: [Any?] = [
            maxActive, admissionsPerInterval, admissionIntervalMs, activeSeconds, activeIdleSeconds, closesAt, opensAt,
        ]
        guard given.contains(where: { $0 != nil }) else { throw ValidationError("Give at least one setting to change.") }
        guard opensAt?.unixMs != 0 else { throw ValidationError("--opens-at takes a time, not never.") }
    }

    /// The UpdateSale request: a setting message for each option given, none for the others.
    var request: UpdateSaleRequest {
        UpdateSaleRequest(
            concertID: concert, maxActive: maxActive.map(SettingValue.init(value:)),
            admissionsPerInterval: admissionsPerInterval.map(SettingValue.init(value:)),
            admissionIntervalMs: admissionIntervalMs.map(SettingValue.init(value:)),
            activeLifetimeMs: activeSeconds.map { SettingValue(value: Int64(($0 * 1000).rounded())) },
            activeIdleMs: activeIdleSeconds.map { SettingValue(value: Int64(($0 * 1000).rounded())) },
            closesAtUnixMs: closesAt.map { SettingValue(value: $0.unixMs) },
            opensAtUnixMs: opensAt.map { SettingValue(value: $0.unixMs) })
    }

    func run() async throws {
        let request = self.request
        let response = try await connection.withAdminCaller(credentials) { caller throws(ProbeFailure) in
            try await answer { () throws(RPCError) in try await caller.updateSale(request) }
        }
        try AdminOutput.print(response) {
            let changes = response.changes.map { "  changed \($0.what): \($0.oldValue) -> \($0.newValue)" }
            return ([response.sale.map(SaleText.describe) ?? "no sale"] + (changes.isEmpty ? ["  nothing changed"] : changes))
                .joined(separator: "\n")
        }
    }
}
