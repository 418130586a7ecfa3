import ConcertDomain
import ConcertStore
import Foundation
import Testing

@Suite struct ReservationTests {
    private let hold = HoldPolicy(holdDurationMs: 300_000)

    @Test func reservingHoldsTheSeatForHoldDuration() async throws {
        try await withStore(hold: hold) { store, harness in
            let user = UUID()
            let token = try await store.activeToken(user: user)
            let reservation = try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.date, seatNumber: 3)
            #expect(reservation.userID == user)
            #expect(reservation.price == Demo.vipPrice)
            #expect(reservation.state == .held)
            #expect(reservation.heldAtMs == harness.clock.now())
            #expect(reservation.expiresAtMs == harness.clock.now() + 300_000)
            #expect(reservation.paidAtMs == nil)
            let seats = try store.seats(concertID: Demo.concert, date: Demo.date)
            #expect(seats.count == 50)
            #expect(seats.filter { !$0.isFree }.map(\.number) == [3])
            let dates = try store.availableDates(concertID: Demo.concert)
            #expect(dates.first { $0.date == Demo.date }?.freeSeats == 49)
            #expect(try store.reservations(token: token, reservationID: nil) == [reservation])
            #expect(try await store.audit().liveHolds == 1)
        }
    }

    @Test func retryingOwnLiveHoldReturnsTheSameReservation() async throws {
        try await withStore(hold: hold) { store, _ in
            let token = try await store.activeToken()
            let first = try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.date, seatNumber: 12)
            let again = try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.date, seatNumber: 12)
            #expect(again == first)
            #expect(try store.reservations(token: token, reservationID: nil).count == 1)
        }
    }

    @Test func aUserMayHoldOnlyTheLimitAtOnceUntilAHoldLapsesOrIsPaid() async throws {
        try await withStore(hold: HoldPolicy(holdDurationMs: 60_000, maxHoldsPerUser: 2)) { store, harness in
            let token = try await store.activeToken()
            let first = try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.date, seatNumber: 21)
            harness.clock.advance(byMilliseconds: 30_000)
            _ = try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.date, seatNumber: 22)
            await expectReason(.holdLimitReached) {
                try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.date, seatNumber: 23)
            }
            #expect(try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.date, seatNumber: 21) == first)
            harness.clock.advance(byMilliseconds: 30_000)
            let third = try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.date, seatNumber: 23)
            await expectReason(.holdLimitReached) {
                try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.date, seatNumber: 24)
            }
            _ = try await store.charge(token: token, amount: third.price, idempotencyKey: nil)
            _ = try await store.pay(token: token, reservationID: third.id)
            let again = try await store.activeToken(user: third.userID)
            _ = try await store.reserveSeat(token: again, concertID: Demo.concert, date: Demo.date, seatNumber: 24)
            await expectReason(.holdLimitReached) {
                try await store.reserveSeat(token: again, concertID: Demo.concert, date: Demo.date, seatNumber: 25)
            }
            #expect(try await store.audit().isHealthy)
        }
    }

    @Test func unlimitedHoldsWhenTheLimitIsZero() async throws {
        try await withStore(hold: HoldPolicy(holdDurationMs: 60_000, maxHoldsPerUser: 0)) { store, _ in
            let token = try await store.activeToken()
            for seat in 1...50 {
                _ = try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.date, seatNumber: seat)
            }
            #expect(try await store.audit().liveHolds == 50)
        }
    }

    @Test func aLapsedHoldFreesTheSeatAtThatInstant() async throws {
        try await withStore(hold: hold) { store, harness in
            let holder = try await store.activeToken()
            let rival = try await store.activeToken()
            let held = try await store.reserveSeat(token: holder, concertID: Demo.concert, date: Demo.date, seatNumber: 30)
            harness.clock.advance(byMilliseconds: 299_999)
            await expectReason(.seatAlreadyHeld) {
                try await store.reserveSeat(token: rival, concertID: Demo.concert, date: Demo.date, seatNumber: 30)
            }
            #expect(try store.seats(concertID: Demo.concert, date: Demo.date)[29].isFree == false)
            harness.clock.advance(byMilliseconds: 1)
            #expect(try store.seats(concertID: Demo.concert, date: Demo.date)[29].isFree)
            #expect(try store.reservations(token: holder, reservationID: held.id).first?.state == .lapsed)
            await expectReason(.holdExpired) { try await store.pay(token: holder, reservationID: held.id) }
            let taken = try await store.reserveSeat(token: rival, concertID: Demo.concert, date: Demo.date, seatNumber: 30)
            #expect(taken.id != held.id)
            #expect(taken.state == .held)
            await expectReason(.seatAlreadyHeld) {
                try await store.reserveSeat(token: holder, concertID: Demo.concert, date: Demo.date, seatNumber: 30)
            }
        }
    }

    @Test func aSoldSeatCannotBeHeld() async throws {
        try await withStore(hold: hold) { store, _ in
            let buyer = try await store.activeToken()
            let other = try await store.activeToken()
            let reservation = try await store.reserveSeat(token: buyer, concertID: Demo.concert, date: Demo.date, seatNumber: 40)
            _ = try await store.charge(token: buyer, amount: Demo.price, idempotencyKey: nil)
            _ = try await store.pay(token: buyer, reservationID: reservation.id)
            await expectReason(.seatAlreadySold) {
                try await store.reserveSeat(token: other, concertID: Demo.concert, date: Demo.date, seatNumber: 40)
            }
        }
    }

    @Test func fullyHeldDatesAreNotAvailable() async throws {
        try await withStore(hold: HoldPolicy(holdDurationMs: 300_000, maxHoldsPerUser: 0)) { store, harness in
            let token = try await store.activeToken()
            for seat in SeatPolicy.seatNumbers {
                _ = try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.otherDate, seatNumber: seat)
            }
            let dates = try store.availableDates(concertID: Demo.concert).map(\.date)
            #expect(dates == ["2027-03-06", "2027-03-13", "2027-03-14"])
            #expect(try await store.audit().liveHolds == 50)
            harness.clock.advance(byMilliseconds: 300_000)
            let after = try store.availableDates(concertID: Demo.concert)
            #expect(after.map(\.date) == ["2027-03-06", "2027-03-07", "2027-03-13", "2027-03-14"])
            #expect(after.allSatisfy { $0.freeSeats == 50 && $0.concertID == Demo.concert })
        }
    }

    @Test func badSeatDateAndCatalogReferences() async throws {
        try await withStore(hold: hold) { store, _ in
            let token = try await store.activeToken()
            for seat in [0, 51, -3] {
                await expectReason(.invalidSeatNumber) {
                    try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.date, seatNumber: seat)
                }
            }
            await expectReason(.invalidSeatNumber) {
                try await store.reserveSeat(token: "", concertID: Demo.concert, date: Demo.date, seatNumber: 0)
            }
            for date in ["2027-3-6", "2027-02-30", "tomorrow"] {
                await expectReason(.invalidDate) {
                    try await store.reserveSeat(token: token, concertID: Demo.concert, date: date, seatNumber: 1)
                }
                await expectReason(.invalidDate) { try store.seats(concertID: Demo.concert, date: date) }
            }
            await expectReason(.tokenWrongConcert) {
                try await store.reserveSeat(token: token, concertID: 99, date: Demo.date, seatNumber: 1)
            }
            await expectReason(.dateNotFound) {
                try await store.reserveSeat(token: token, concertID: Demo.concert, date: "2027-03-08", seatNumber: 1)
            }
            await expectReason(.concertNotFound) { try store.seats(concertID: 99, date: Demo.date) }
            await expectReason(.dateNotFound) { try store.seats(concertID: Demo.concert, date: "2027-03-08") }
            await expectReason(.concertNotFound) { try store.availableDates(concertID: 99) }
            await expectReason(.tokenUnknown) {
                try await store.reserveSeat(token: AccessToken.generate(), concertID: Demo.concert, date: Demo.date, seatNumber: 1)
            }
        }
    }

    @Test func reservationsAreVisibleOnlyToTheirOwner() async throws {
        try await withStore(queue: QueuePolicy(maxActive: 2), hold: hold) { store, _ in
            let owner = try await store.activeToken()
            let stranger = try await store.activeToken()
            let waiting = try await store.issueToken(userID: UUID(), concertID: Demo.concert)
            let first = try await store.reserveSeat(token: owner, concertID: Demo.concert, date: Demo.date, seatNumber: 1)
            let second = try await store.reserveSeat(token: owner, concertID: Demo.concert, date: Demo.otherDate, seatNumber: 50)
            #expect(try store.reservations(token: owner, reservationID: nil) == [second, first])
            #expect(try store.reservations(token: owner, reservationID: second.id) == [second])
            #expect(try store.reservations(token: stranger, reservationID: nil) == [])
            #expect(try store.reservations(token: waiting.token, reservationID: nil) == [])
            await expectReason(.reservationNotFound) { try store.reservations(token: stranger, reservationID: first.id) }
            await expectReason(.reservationNotFound) { try store.reservations(token: owner, reservationID: 9_999) }
            await expectReason(.reservationNotFound) { try await store.pay(token: stranger, reservationID: first.id) }
            await expectReason(.reservationNotFound) { try await store.pay(token: owner, reservationID: 9_999) }
        }
    }
}
