/// The result of `ConcertStore.audit()`: every invariant found broken, plus totals.
public struct InvariantReport: Sendable {
    /// One line per broken invariant (with a count); empty when the store is healthy.
    public var violations: [String]
    /// The sum of all charges.
    public var totalCharged: Int64
    /// The sum of all payments.
    public var totalPaid: Int64
    /// The sum of all balances (equals charged - paid when healthy).
    public var totalBalances: Int64
    /// How many seats are sold.
    public var soldSeats: Int
    /// How many seats are under a live (unexpired, unpaid) hold.
    public var liveHolds: Int
    /// Whether no invariant is broken.
    public var isHealthy: Bool { violations.isEmpty }

    /// Creates a report.
    public init(
        violations: [String], totalCharged: Int64, totalPaid: Int64, totalBalances: Int64, soldSeats: Int, liveHolds: Int
    ) {
        self.violations = violations
        self.totalCharged = totalCharged
        self.totalPaid = totalPaid
        self.totalBalances = totalBalances
        self.soldSeats = soldSeats
        self.liveHolds = liveHolds
    }
}
