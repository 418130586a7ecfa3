import ConcertProtocol

/// A concert date a benchmark reserves seats on.
struct BenchTarget: Sendable, Hashable {
    /// The concert's id.
    let concertID: Int64
    /// The date, `YYYY-MM-DD`.
    let date: String

    /// Every concert date that still has a free seat, found with `caller`'s token.
    static func discover(with caller: some RPCCaller) async throws(RPCError) -> [BenchTarget] {
        var targets: [BenchTarget] = []
        for concert in try await caller.listConcerts(ListConcertsRequest()).concerts {
            for date in try await caller.listAvailableDates(concertID: concert.id).dates {
                targets.append(BenchTarget(concertID: concert.id, date: date.date))
            }
        }
        return targets
    }
}
