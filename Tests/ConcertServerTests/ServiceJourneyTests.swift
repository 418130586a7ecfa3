import ConcertDomain
import ConcertProtocol
import Foundation
import ConcertTesting
import Testing

/// The four services over real TCP with a real database file: the fan's whole journey.
@Suite("Service journey")
struct ServiceJourneyTests {
    @Test(
        "token, active, dates, seats, hold, charge, pay: seat sold, balance debited, token expired",
        arguments: CallPath.allCases)
    func journey(route: CallPath) async throws {
        let clock = ManualClock(now: testEpoch)
        try await withLiveServer(backgroundJobs: false, clock: clock) { server in
            let issued = try await route.caller(server).issueToken(userID: UUID().uuidString, concertID: 1)
            let fan = try await route.caller(server, token: issued.token)
            #expect(issued.token.count >= 32)
            #expect(issued.status?.state == .active)
            #expect(try await fan.getQueueStatus(GetQueueStatusRequest()).status?.state == .active)

            let concerts = try await fan.listConcerts(ListConcertsRequest()).concerts
            #expect(concerts.count == 3)
            let (concertID, date) = try await firstDate(fan)
            let seats = try await fan.listAvailableSeats(concertID: concertID, date: date).seats
            #expect(seats.map(\.number) == Array(1...50))
            #expect(seats.allSatisfy { $0.free })

            let held = try #require(try await fan.reserveSeat(concertID: concertID, date: date, seatNumber: 7).reservation)
            #expect(held.state == .held)
            #expect(held.expiresAtUnixMs == testEpoch + 300_000)
            #expect(held.price == seats[6].price)
            let seatsAfterHold = try await fan.listAvailableSeats(concertID: concertID, date: date).seats
            #expect(seatsAfterHold[6].free == false)
            #expect(try await fan.getReservation(reservationID: held.id).reservations == [held])
            #expect(try await fan.getReservation(reservationID: 0).reservations == [held])

            let charge = try await fan.chargeBalance(amount: held.price + 1, idempotencyKey: "")
            #expect(charge.balance == held.price + 1)
            let paid = try await fan.pay(reservationID: held.id)
            #expect(paid.reservation?.state == .paid)
            #expect(paid.payment?.amount == held.price)
            #expect(paid.balance == 1)

            #expect(try await fan.getQueueStatus(GetQueueStatusRequest()).status?.state == .expired)
            await expectFailure(.unauthenticated, .tokenExpired) { try await fan.getBalance(GetBalanceRequest()) }
            #expect(try await fan.getReservation(reservationID: held.id).reservations.first?.state == .paid)
            let seatsAfterPay = try await fan.listAvailableSeats(concertID: concertID, date: date).seats
            #expect(seatsAfterPay[6].free == false)
            clock.advance(byMilliseconds: 3_600_000)
            #expect(try await fan.listAvailableSeats(concertID: concertID, date: date).seats[6].free == false)
            #expect(try await server.application.store.audit().isHealthy)
        }
    }

    @Test("a user with a live token gets the same token back: one place in line per user")
    func oneTokenPerUser() async throws {
        try await withLiveServer(backgroundJobs: false, queue: QueuePolicy(maxActive: 0)) { server in
            let user = UUID()
            let first = try await fan(server.port, user: user).issued
            let second = try await fan(server.port, user: user).issued
            #expect(first.token == second.token)
            #expect(second.status?.position == 1)
        }
    }

    @Test("ReserveSeat repeated by the holder returns the same reservation")
    func idempotentHold() async throws {
        try await withLiveServer(backgroundJobs: false, clock: ManualClock(now: testEpoch)) { server in
            let fan = try await fan(server.port).caller
            let (concertID, date) = try await firstDate(fan)
            let first = try await fan.reserveSeat(concertID: concertID, date: date, seatNumber: 3)
            let again = try await fan.reserveSeat(concertID: concertID, date: date, seatNumber: 3)
            #expect(first == again)
        }
    }

    @Test("a charge retried with the same key is applied once and answered as the first")
    func idempotentCharge() async throws {
        try await withLiveServer(backgroundJobs: false, clock: ManualClock(now: testEpoch)) { server in
            let fan = try await fan(server.port).caller
            let first = try await fan.chargeBalance(amount: 5000, idempotencyKey: "top-up-1")
            let retry = try await fan.chargeBalance(amount: 5000, idempotencyKey: "top-up-1")
            #expect(retry.chargeID == first.chargeID)
            #expect(retry.balance == first.balance)
            #expect(retry.replayed)
            #expect(!first.replayed)
            #expect(try await fan.getBalance(GetBalanceRequest()).balance == 5000)
            await expectFailure(.failedPrecondition, .idempotencyKeyReused) {
                try await fan.chargeBalance(amount: 6000, idempotencyKey: "top-up-1")
            }
        }
    }

    @Test("a lapsed hold frees the seat at that instant and can no longer be paid")
    func holdLapse() async throws {
        let clock = ManualClock(now: testEpoch)
        try await withLiveServer(backgroundJobs: false, hold: HoldPolicy(holdDurationMs: 60_000), clock: clock) { server in
            let (holder, _) = try await fan(server.port)
            let (other, _) = try await fan(server.port)
            let (concertID, date) = try await firstDate(holder)
            let held = try #require(try await holder.reserveSeat(concertID: concertID, date: date, seatNumber: 20).reservation)
            _ = try await holder.chargeBalance(amount: held.price, idempotencyKey: "")
            clock.advance(byMilliseconds: 59_999)
            await expectFailure(.alreadyExists, .seatAlreadyHeld) {
                try await other.reserveSeat(concertID: concertID, date: date, seatNumber: 20)
            }
            clock.advance(byMilliseconds: 1)
            #expect(try await other.listAvailableSeats(concertID: concertID, date: date).seats[19].free)
            #expect(try await holder.getReservation(reservationID: held.id).reservations.first?.state == .lapsed)
            await expectFailure(.failedPrecondition, .holdExpired) { try await holder.pay(reservationID: held.id) }
            let taken = try await other.reserveSeat(concertID: concertID, date: date, seatNumber: 20)
            #expect(taken.reservation?.id != held.id)
            #expect(try await holder.getBalance(GetBalanceRequest()).balance == held.price)
        }
    }

    @Test("the line: at most N active, strict order, paying or expiring admits the next")
    func queueAdmission() async throws {
        let clock = ManualClock(now: testEpoch)
        let policy = QueuePolicy(maxActive: 2, activeLifetimeMs: 600_000)
        try await withLiveServer(backgroundJobs: false, queue: policy, clock: clock) { server in
            var fans: [(caller: WireCaller, issued: IssueTokenResponse)] = []
            for _ in 0..<5 { fans.append(try await fan(server.port)) }
            #expect(fans.map { $0.issued.status?.state } == [.active, .active, .waiting, .waiting, .waiting])
            #expect(fans.map { $0.issued.status?.position } == [0, 0, 1, 2, 3])
            #expect(fans.map { $0.issued.status?.ahead } == [0, 0, 0, 1, 2])
            #expect(fans[4].issued.status.map { $0.estimatedWaitMs > 0 } == true)

            await expectFailure(.failedPrecondition, .tokenNotActive) {
                try await fans[2].caller.reserveSeat(concertID: 1, date: "2027-03-06", seatNumber: 1)
            }

            let (concertID, date) = try await firstDate(fans[0].caller)
            let held = try #require(
                try await fans[0].caller.reserveSeat(concertID: concertID, date: date, seatNumber: 1).reservation)
            _ = try await fans[0].caller.chargeBalance(amount: held.price, idempotencyKey: "")
            _ = try await fans[0].caller.pay(reservationID: held.id)
            #expect(try await fans[2].caller.getQueueStatus(GetQueueStatusRequest()).status?.state == .active)
            #expect(try await fans[3].caller.getQueueStatus(GetQueueStatusRequest()).status?.position == 1)

            clock.advance(byMilliseconds: 600_000)
            #expect(try await fans[1].caller.getQueueStatus(GetQueueStatusRequest()).status?.state == .expired)
            _ = try await server.application.store.admitWaiting()
            let states = try await fans[2...].asyncMap { try await $0.caller.getQueueStatus(GetQueueStatusRequest()).status?.state }
            #expect(states == [.expired, .active, .active])
        }
    }
}

extension Sequence {
    /// Maps each element with an async transform, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
