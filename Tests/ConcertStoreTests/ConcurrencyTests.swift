import ConcertDomain
import ConcertStore
import Foundation
import Testing

@Suite struct ConcurrencyTests {
    private let roomForAll = QueuePolicy(maxActive: 2_000)

    @Test func aThousandRacersForOneSeatYieldExactlyOneHolder() async throws {
        try await withStore(queue: roomForAll) { store, _ in
            let tokens = try await concurrently(1_000) { _ in try await store.issueToken(userID: UUID(), concertID: Demo.concert) }.successes()
            #expect(tokens.count == 1_000)
            #expect(tokens.allSatisfy { $0.status.state == .active })
            let outcomes = try await concurrently(1_000) { index in
                try await store.reserveSeat(token: tokens[index].token, concertID: Demo.concert, date: Demo.date, seatNumber: 7)
            }
            #expect(outcomes.successes().count == 1)
            #expect(outcomes.failureReasons().tally == [.seatAlreadyHeld: 999])
            let report = try await store.audit()
            #expect(report.liveHolds == 1 && report.isHealthy)
        }
    }

    @Test func concurrentChargesAllLand() async throws {
        try await withStore { store, _ in
            let token = try await store.activeToken()
            let outcomes = try await concurrently(100) { _ in
                try await store.charge(token: token, amount: 1_000, idempotencyKey: nil)
            }
            let receipts = outcomes.successes()
            #expect(receipts.count == 100)
            #expect(Set(receipts.map(\.balance)) == Set(stride(from: 1_000, through: 100_000, by: 1_000)))
            #expect(try store.balance(token: token) == 100_000)
            #expect(try await store.audit().totalCharged == 100_000)
        }
    }

    @Test func concurrentRetriesOfOneChargeApplyItOnce() async throws {
        try await withStore { store, _ in
            let token = try await store.activeToken()
            let receipts = try await concurrently(100) { _ in
                try await store.charge(token: token, amount: 2_500, idempotencyKey: "once")
            }.successes()
            #expect(receipts.count == 100)
            #expect(receipts.filter { !$0.replayed }.count == 1)
            #expect(Set(receipts.map(\.chargeID)).count == 1)
            #expect(receipts.allSatisfy { $0.balance == 2_500 })
            #expect(try store.balance(token: token) == 2_500)
        }
    }

    @Test func oneReservationPaidFiftyTimesIsPaidOnce() async throws {
        try await withStore { store, _ in
            let token = try await store.activeToken()
            let held = try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.date, seatNumber: 1)
            _ = try await store.charge(token: token, amount: 1_000_000, idempotencyKey: nil)
            let outcomes = try await concurrently(50) { _ in try await store.pay(token: token, reservationID: held.id) }
            #expect(outcomes.successes().count == 1)
            #expect(outcomes.failureReasons().tally == [.reservationAlreadyPaid: 49])
            let report = try await store.audit()
            #expect(report.totalPaid == Demo.vipPrice)
            #expect(report.totalBalances == 1_000_000 - Demo.vipPrice)
            #expect(report.soldSeats == 1)
        }
    }

    @Test func tenThousandArrivalsGetContiguousPositions() async throws {
        try await withStore(queue: QueuePolicy(maxActive: 0)) { store, _ in
            let issued = try await concurrently(10_000) { _ in try await store.issueToken(userID: UUID(), concertID: Demo.concert) }.successes()
            #expect(issued.count == 10_000)
            #expect(issued.map(\.status.position).isExactly(1...10_000))
            #expect(Set(issued.map(\.token)).count == 10_000)
            let positions = try await concurrently(10_000) { index in
                try store.queueStatus(token: issued[index].token).position
            }.successes()
            #expect(positions.count == 10_000)
            #expect(zip(positions, issued).allSatisfy { $0 == $1.status.position })
        }
    }

    @Test func aFanJoiningTwiceAtOnceGetsOneTokenAndOnePlace() async throws {
        try await withStore(queue: QueuePolicy(maxActive: 3)) { store, _ in
            let users = (0..<300).map { _ in UUID() }
            let issued = try await concurrently(600) { index in
                try await store.issueToken(userID: users[index % 300], concertID: Demo.concert)
            }.successes()
            #expect(issued.count == 600)
            let tokensByUser = Dictionary(grouping: issued, by: \.userID).mapValues { Set($0.map(\.token)) }
            #expect(tokensByUser.count == 300 && tokensByUser.values.allSatisfy { $0.count == 1 })
            let waiting = issued.filter { $0.status.state == .waiting }
            let waitingFans = Dictionary(grouping: waiting, by: \.token).compactMap { $0.value.first }
            #expect(waitingFans.map(\.status.position).isExactly(1...297))
            #expect(try store.saleLine(concertID: Demo.concert).active == 3)
        }
    }
}

