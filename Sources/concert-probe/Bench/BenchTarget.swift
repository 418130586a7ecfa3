import ConcertProtocol

/// A concert date a benchmark reserves seats on.
struct BenchTarget: Sendable, Hashable {
    /// The concert's id.
    let concertID: Int64
    /// The date, `YYYY-MM-DD`.
    let date: String

    /// Every date of concert `concertID` that still has a free seat, found with `caller`'s token.
    static func discover(concertID: Int64, with caller: some RPCCaller) async throws(RPCError) -> [BenchTarget] {
        try await caller.listAvailableDates(concertID: concertID).dates.map {
            BenchTarget(concertID: concertID, date: $0.date)
        }
    }
}
