import ConcertClient
import ConcertProtocol

/// The contention scenario: F active fans race for the free seats of one concert date,
/// each reserving seats in random order until one holds, then charging and paying for it.
struct ContentionBench {
    /// What one fan ended with.
    enum FanOutcome: Sendable {
        /// The fan paid for `seat` (reservation `reservationID`).
        case paid(seat: UInt32, reservationID: Int64)
        /// Every seat was taken by others.
        case noSeat
        /// A call failed with something other than a seat conflict.
        case failed(RPCError)
    }

    /// The race and its verification.
    struct Result: Sendable {
        /// The concert date raced for.
        let target: BenchTarget
        /// How many seats were free when the race began.
        let freeSeats: Int
        /// What each fan ended with, with its user id.
        let outcomes: [(userID: String, outcome: FanOutcome)]
        /// How many reserve attempts found the seat held or sold by another fan.
        let conflicts: Int
        /// How long the race took.
        let elapsed: Duration
        /// What the verification found.
        let verification: ContentionVerification
    }

    /// F: how many fans race.
    let fans: Int
    /// The concert to race on, or nil for the first open sale's.
    let concertID: Int64?

    /// Issues the fans' tokens (all must be ACTIVE), races, then verifies the outcome.
    func run(clients: [ConcertClient]) async throws(ProbeFailure) -> Result {
        let concert = try await SaleChoice.concert(concertID, with: clients[0])
        let identities = try await answer { () throws(RPCError) in
            try await FanIdentity.issuePool(count: fans, concertID: concert.id, clients: clients)
        }
        let active = identities.filter { $0.state == .active }.count
        guard active == identities.count else {
            throw .checkFailed(
                "only \(active) of \(fans) fans are ACTIVE; start the server with --max-active \(fans) or more")
        }
        let (target, seats) = try await chooseDate(of: concert, with: identities[0].caller)
        let stopwatch = Stopwatch()
        let raced = await withTaskGroup(of: (String, FanOutcome, Int).self) { group in
            for identity in identities {
                group.addTask { await Self.race(identity, for: seats, on: target) }
            }
            return await group.reduce(into: [(String, FanOutcome, Int)]()) { $0.append($1) }
        }
        let elapsed = stopwatch.elapsed
        let outcomes = raced.map { (userID: $0.0, outcome: $0.1) }
        let verification = try await answer { () throws(RPCError) in
            try await ContentionVerification.check(outcomes, on: target, clients: clients)
        }
        return Result(
            target: target, freeSeats: seats.count, outcomes: outcomes, conflicts: raced.reduce(0) { $0 + $1.2 },
            elapsed: elapsed, verification: verification)
    }

    /// The date of `concert` with the most free seats, and those seats.
    private func chooseDate(of concert: Concert, with caller: TokenScopedCaller) async throws(ProbeFailure) -> (BenchTarget, [Seat]) {
        let dates = try await answer { () throws(RPCError) in try await caller.listAvailableDates(concertID: concert.id) }
        guard let date = dates.dates.max(by: { $0.freeSeats < $1.freeSeats }) else {
            throw .checkFailed("concert \(concert.id) is sold out")
        }
        let seats = try await answer { () throws(RPCError) in
            try await caller.listAvailableSeats(concertID: concert.id, date: date.date)
        }
        return (BenchTarget(concertID: concert.id, date: date.date), seats.seats.filter(\.free))
    }

    /// One fan's race: reserve free seats in random order until one holds, then charge and pay.
    private static func race(
        _ fan: FanIdentity, for seats: [Seat], on target: BenchTarget
    ) async -> (String, FanOutcome, Int) {
        let caller = fan.caller
        var conflicts = 0
        for seat in seats.shuffled() {
            do throws(RPCError) {
                let held = try await caller.reserveSeat(
                    concertID: target.concertID, date: target.date, seatNumber: seat.number)
                let reservationID = held.reservation?.id ?? 0
                _ = try await caller.chargeBalance(amount: seat.price, idempotencyKey: "contention-\(reservationID)")
                _ = try await caller.pay(reservationID: reservationID)
                return (fan.userID, .paid(seat: seat.number, reservationID: reservationID), conflicts)
            } catch where error.knownReason == .seatAlreadyHeld || error.knownReason == .seatAlreadySold {
                conflicts += 1
            } catch {
                return (fan.userID, .failed(error), conflicts)
            }
        }
        return (fan.userID, .noSeat, conflicts)
    }
}
