import ConcertProtocol

/// Which concert a command works on: the one asked for, or the first whose sale is open
/// (else the first in its pre-queue).
enum SaleChoice {
    /// The concert `concertID`, or the first open sale's (else pre-queue's) concert.
    static func concert(_ concertID: Int64?, with caller: some RPCCaller) async throws(ProbeFailure) -> Concert {
        let concerts = try await answer { () throws(RPCError) in try await caller.listConcerts(ListConcertsRequest()) }.concerts
        if let concertID {
            guard let concert = concerts.first(where: { $0.id == concertID }) else {
                throw .badInput("no concert has id \(concertID)")
            }
            return concert
        }
        guard let concert = concerts.first(where: { $0.sale?.state == .open })
            ?? concerts.first(where: { $0.sale?.state == .preQueue })
        else { throw .checkFailed("no concert's sale is open or in its pre-queue") }
        return concert
    }
}
