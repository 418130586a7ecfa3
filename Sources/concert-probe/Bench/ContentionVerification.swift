import ConcertClient
import ConcertProtocol

/// Checks the contention race against the server's own records: every fan's reservations
/// (GetReservation, with a re-issued token since paying expires it) and the date's seat map
/// (ListAvailableSeats). No seat may be held or sold twice.
struct ContentionVerification: Sendable {
    /// Seats with a PAID reservation.
    let sold: Int
    /// Seats with a live HELD reservation and no payment.
    let held: Int
    /// Every inconsistency found; empty when the race was clean.
    let violations: [String]

    /// Collects the records and checks them.
    static func check(
        _ outcomes: [(userID: String, outcome: ContentionBench.FanOutcome)],
        on target: BenchTarget,
        clients: [ConcertClient]
    ) async throws(RPCError) -> ContentionVerification {
        var reservations: [(userID: String, reservation: Reservation)] = []
        for (index, entry) in outcomes.enumerated() {
            let fan = try await FanIdentity.issue(
                userID: entry.userID, concertID: target.concertID, on: clients[index % clients.count])
            for reservation in try await fan.caller.getReservation(reservationID: 0).reservations
            where reservation.concertID == target.concertID && reservation.date == target.date {
                reservations.append((entry.userID, reservation))
            }
        }
        let seatMap = try await FanIdentity.issue(userID: outcomes[0].userID, concertID: target.concertID, on: clients[0]).caller
            .listAvailableSeats(concertID: target.concertID, date: target.date).seats
        return ContentionVerification(outcomes: outcomes, reservations: reservations, seatMap: seatMap)
    }

    private init(
        outcomes: [(userID: String, outcome: ContentionBench.FanOutcome)],
        reservations: [(userID: String, reservation: Reservation)],
        seatMap: [Seat]
    ) {
        var violations: [String] = []
        let bySeat = Dictionary(grouping: reservations, by: \.reservation.seatNumber)
        var sold = 0
        var held = 0
        for seat in seatMap {
            let records = bySeat[seat.number] ?? []
            let paid = records.filter { $0.reservation.state == .paid }
            let holding = records.filter { $0.reservation.state == .held }
            if paid.count > 1 { violations.append("seat \(seat.number) was sold \(paid.count) times") }
            if paid.count + holding.count > 1 {
                violations.append("seat \(seat.number) is held or sold by \(paid.count + holding.count) fans at once")
            }
            if seat.free, !(paid.isEmpty && holding.isEmpty) {
                violations.append("seat \(seat.number) is listed free but has a live reservation")
            }
            sold += paid.isEmpty ? 0 : 1
            held += paid.isEmpty && !holding.isEmpty ? 1 : 0
        }
        for (userID, outcome) in outcomes {
            let paid = reservations.filter { $0.userID == userID && $0.reservation.state == .paid }
            if paid.count > 1 { violations.append("fan \(userID) paid for \(paid.count) seats") }
            if case .paid(let seat, let reservationID) = outcome,
                !paid.contains(where: { $0.reservation.id == reservationID && $0.reservation.seatNumber == seat })
            {
                violations.append("fan \(userID) paid for seat \(seat) but holds no PAID reservation \(reservationID)")
            }
        }
        let payments = outcomes.filter { if case .paid = $0.outcome { true } else { false } }.count
        if payments != sold { violations.append("\(payments) payments succeeded but \(sold) seats are sold") }
        self.sold = sold
        self.held = held
        self.violations = violations
    }
}
