import ConcertClient
import ConcertProtocol
import Foundation

/// One fan's path to a paid seat, printing each step with its latency.
struct FanJourney {
    /// The fan's user id.
    let userID: String
    /// The concert to buy for, or nil for the first open sale's.
    let concertID: Int64?

    /// Walks the path on `client`; throws unless the seat ends up paid.
    func run(_ client: ConcertClient) async throws(ProbeFailure) {
        Console.line("fan \(userID)")
        let concert = try await chooseConcert(client)
        let issued = try await step("IssueToken") { () throws(RPCError) in
            try await client.issueToken(userID: userID, concertID: concert.id)
        } summary: { "token \($0.token), \($0.status.map(Self.stateAndTime) ?? "?")" }
        if issued.status?.state != .active {
            try await waitInLine(client)
        }
        let dates = try await step("ListAvailableDates") { () throws(RPCError) in
            try await client.listAvailableDates(concertID: concert.id)
        } summary: { "\($0.dates.count) dates with free seats" }
        guard let date = dates.dates.first(where: { $0.freeSeats > 0 }) else {
            throw .checkFailed("concert \(concert.id) is sold out")
        }
        let seats = try await step("ListAvailableSeats") { () throws(RPCError) in
            try await client.listAvailableSeats(concertID: concert.id, date: date.date)
        } summary: { "\($0.seats.filter(\.free).count) of \($0.seats.count) seats free on \(date.date)" }
        let (seat, reservation) = try await reserveFirstFree(seats.seats.filter(\.free), date: date.date, concert, client)
        let charged = try await step("ChargeBalance") { () throws(RPCError) in
            try await client.chargeBalance(amount: reservation.price, idempotencyKey: "journey-\(reservation.id)")
        } summary: { "+\($0.amount), balance \($0.balance)" }
        let paid = try await step("Pay") { () throws(RPCError) in
            try await client.pay(reservationID: reservation.id)
        } summary: { "payment \($0.payment?.id ?? 0), reservation \($0.reservation?.state.name ?? "?")" }
        guard paid.reservation?.state == .paid else {
            throw .checkFailed("the reservation is \(paid.reservation?.state.name ?? "missing") after Pay")
        }
        Console.line()
        Console.line("paid: \(concert.title) (\(concert.artist)), \(date.date), seat \(seat.number) for \(reservation.price)")
        Console.line("balance: \(paid.balance) (charged \(charged.amount))")
    }

    private func waitInLine(_ client: ConcertClient) async throws(ProbeFailure) {
        let stopwatch = Stopwatch()
        let status = try await answer { () throws(RPCError) in
            try await client.waitUntilActive { status in
                Console.status(Self.describe(status))
            }
        }
        Console.status("")
        report("WaitUntilActive", stopwatch.elapsed, "\(status.state.name) until \(Self.time(status.expiresAtUnixMs))")
    }

    /// The token's state and the instant that matters in it: when an active token expires, when a
    /// pre-queued sale opens.
    static func stateAndTime(_ status: QueueStatus) -> String {
        switch status.state {
        case .active: "\(status.state.name) until \(time(status.expiresAtUnixMs))"
        case .preQueue: "\(status.state.name), the sale opens at \(time(status.opensAtUnixMs))"
        default: status.state.name
        }
    }

    /// One line for a status while waiting: the pre-queue's countdown, the position and estimate, or the admission.
    static func describe(_ status: QueueStatus) -> String {
        if status.state == .active {
            return "   admitted: active until \(time(status.expiresAtUnixMs))"
        }
        if status.state == .preQueue {
            let seconds = max(0, Double(status.opensAtUnixMs) / 1000 - Date().timeIntervalSince1970)
            return "   pre-queue: the sale opens at \(time(status.opensAtUnixMs)), in "
                + String(format: "%.0f s", seconds) + "; places are drawn at random then"
        }
        let estimate =
            status.waitTimeKnown ? String(format: "about %.1f s", Double(status.estimatedWaitMs) / 1000) : "wait unknown yet"
        return "   waiting in line: position \(status.position) (\(status.ahead) ahead), \(estimate)"
    }

    /// `unixMs` as an ISO 8601 UTC date and time, e.g. `2027-03-06T19:00:00Z`.
    static func time(_ unixMs: Int64) -> String {
        Date(timeIntervalSince1970: Double(unixMs) / 1000).formatted(.iso8601)
    }

    private func chooseConcert(_ client: ConcertClient) async throws(ProbeFailure) -> Concert {
        let stopwatch = Stopwatch()
        let concert = try await SaleChoice.concert(concertID, with: client)
        report("ListConcerts", stopwatch.elapsed, "sale of concert \(concert.id): \(concert.sale?.state.name ?? "?")")
        Console.line("   concert \(concert.id): \(concert.title) by \(concert.artist) at \(concert.venue)")
        return concert
    }

    /// Holds the first seat of `free` nobody else grabbed in the meantime.
    private func reserveFirstFree(
        _ free: [Seat], date: String, _ concert: Concert, _ client: ConcertClient
    ) async throws(ProbeFailure) -> (Seat, Reservation) {
        for seat in free {
            do throws(ProbeFailure) {
                let held = try await step("ReserveSeat") { () throws(RPCError) in
                    try await client.reserveSeat(concertID: concert.id, date: date, seatNumber: seat.number)
                } summary: { "seat \(seat.number), reservation \($0.reservation?.id ?? 0), price \(seat.price)" }
                guard let reservation = held.reservation else { throw .checkFailed("no reservation returned") }
                return (seat, reservation)
            } catch .status(let error) where error.knownReason == .seatAlreadyHeld || error.knownReason == .seatAlreadySold {
                continue
            }
        }
        throw .checkFailed("every free seat of \(date) was taken by others")
    }

    /// Runs one call, then prints its name, latency and `summary` of the answer.
    private func step<T>(
        _ name: String,
        _ call: () async throws(RPCError) -> T,
        summary: (T) -> String
    ) async throws(ProbeFailure) -> T {
        let stopwatch = Stopwatch()
        do {
            let result = try await call()
            report(name, stopwatch.elapsed, summary(result))
            return result
        } catch {
            report(name, stopwatch.elapsed, "failed: \(error)")
            throw ProbeFailure(error)
        }
    }

    private func report(_ name: String, _ latency: Duration, _ detail: String) {
        let label = name.padding(toLength: 20, withPad: " ", startingAt: 0)
        let time = latency.formattedMilliseconds
        Console.line("   \(label) \(String(repeating: " ", count: max(0, 11 - time.count)))\(time)  \(detail)")
    }
}
