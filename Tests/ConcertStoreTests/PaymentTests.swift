import ConcertDomain
import ConcertStore
import Foundation
import Testing

@Suite struct PaymentTests {
    @Test func payingDebitsSellsTheSeatAndExpiresTheToken() async throws {
        try await withStore { store, harness in
            let user = UUID()
            let token = try await store.activeToken(user: user)
            let held = try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.date, seatNumber: 5)
            _ = try await store.charge(token: token, amount: 200_000, idempotencyKey: nil)
            harness.clock.advance(byMilliseconds: 10_000)
            let receipt = try await store.pay(token: token, reservationID: held.id)
            var paid = held
            paid.state = .paid
            paid.paidAtMs = harness.clock.now()
            #expect(receipt.amount == Demo.vipPrice)
            #expect(receipt.balance == 50_000)
            #expect(receipt.paidAtMs == harness.clock.now())
            #expect(receipt.reservation == paid)
            #expect(try store.queueStatus(token: token) == QueueStatus(state: .expired, concertID: Demo.concert))
            await expectReason(.tokenExpired) { try store.balance(token: token) }
            #expect(try store.reservations(token: token, reservationID: nil) == [paid])
            let next = try await store.issueToken(userID: user, concertID: Demo.concert)
            #expect(try store.balance(token: next.token) == 50_000)
            #expect(try store.reservations(token: next.token, reservationID: held.id) == [paid])
            #expect(try store.seats(concertID: Demo.concert, date: Demo.date)[4].isFree == false)
            harness.clock.advance(byMilliseconds: 1_000_000)
            #expect(try store.seats(concertID: Demo.concert, date: Demo.date)[4].isFree == false)
            let report = try await store.audit()
            #expect(report.totalPaid == Demo.vipPrice && report.soldSeats == 1 && report.liveHolds == 0)
            #expect(report.totalBalances == 50_000)
        }
    }

    @Test func aRetriedPaymentLearnsTheReservationIsPaid() async throws {
        try await withStore { store, _ in
            let user = UUID()
            let token = try await store.activeToken(user: user)
            let held = try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.date, seatNumber: 11)
            _ = try await store.charge(token: token, amount: 500_000, idempotencyKey: nil)
            _ = try await store.pay(token: token, reservationID: held.id)
            await expectReason(.reservationAlreadyPaid) { try await store.pay(token: token, reservationID: held.id) }
            let fresh = try await store.issueToken(userID: user, concertID: Demo.concert)
            await expectReason(.reservationAlreadyPaid) { try await store.pay(token: fresh.token, reservationID: held.id) }
            #expect(try store.balance(token: fresh.token) == 500_000 - Demo.price)
        }
    }

    @Test func insufficientBalanceChangesNothing() async throws {
        try await withStore { store, _ in
            let token = try await store.activeToken()
            let held = try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.date, seatNumber: 11)
            await expectReason(.insufficientBalance) { try await store.pay(token: token, reservationID: held.id) }
            _ = try await store.charge(token: token, amount: Demo.price - 1, idempotencyKey: nil)
            await expectReason(.insufficientBalance) { try await store.pay(token: token, reservationID: held.id) }
            #expect(try store.balance(token: token) == Demo.price - 1)
            #expect(try store.reservations(token: token, reservationID: held.id).first?.state == .held)
            #expect(try store.queueStatus(token: token).state == .active)
            _ = try await store.charge(token: token, amount: 1, idempotencyKey: nil)
            #expect(try await store.pay(token: token, reservationID: held.id).balance == 0)
        }
    }

    @Test func payingNeedsAnActiveTokenAndALiveHold() async throws {
        let queue = QueuePolicy(maxActive: 1, activeLifetimeMs: 60_000)
        try await withStore(queue: queue, hold: HoldPolicy(holdDurationMs: 120_000)) { store, harness in
            let user = UUID()
            let first = try await store.activeToken(user: user)
            let held = try await store.reserveSeat(token: first, concertID: Demo.concert, date: Demo.date, seatNumber: 11)
            _ = try await store.charge(token: first, amount: Demo.price, idempotencyKey: nil)
            harness.clock.advance(byMilliseconds: 60_000)
            await expectReason(.tokenExpired) { try await store.pay(token: first, reservationID: held.id) }
            _ = try await store.activeToken()
            let waiting = try await store.issueToken(userID: user, concertID: Demo.concert)
            #expect(waiting.status.state == .waiting)
            await expectReason(.tokenNotActive) { try await store.pay(token: waiting.token, reservationID: held.id) }
            harness.clock.advance(byMilliseconds: 60_000)
            #expect(try await store.admitWaiting() == 1)
            await expectReason(.holdExpired) { try await store.pay(token: waiting.token, reservationID: held.id) }
            #expect(try store.balance(token: waiting.token) == Demo.price)
        }
    }

    @Test func aFreeSeatCanBePaidWithoutAnyCharge() async throws {
        try await withStore { store, _ in
            let free = Catalog.ConcertEntry(
                id: 9, title: "Open Rehearsal", artist: "Luna Park", venue: "Studio",
                dates: [Catalog.DateEntry(date: "2027-02-01", startsAt: "2027-02-01T15:00:00+09:00", price: 0)])
            try await store.loadCatalog(Catalog(concerts: [free]))
            let token = try await store.activeToken(concertID: 9)
            let held = try await store.reserveSeat(token: token, concertID: 9, date: "2027-02-01", seatNumber: 1)
            let receipt = try await store.pay(token: token, reservationID: held.id)
            #expect(receipt.amount == 0 && receipt.balance == 0 && receipt.reservation.state == .paid)
        }
    }
}
