import ConcertDomain
import ConcertStore
import Foundation
import Testing

@Suite struct QueueTests {
    private let oneActive = QueuePolicy(maxActive: 1, activeLifetimeMs: 60_000)

    @Test func firstComerIsAdmittedAndOthersWaitInArrivalOrder() async throws {
        try await withStore(queue: oneActive) { store, _ in
            let first = try await store.issueToken(userID: UUID(), concertID: Demo.concert)
            #expect(first.status == QueueStatus(state: .active, expiresAtMs: StoreHarness.start + 60_000, concertID: Demo.concert))
            let second = try await store.issueToken(userID: UUID(), concertID: Demo.concert)
            let third = try await store.issueToken(userID: UUID(), concertID: Demo.concert)
            #expect(second.status.state == .waiting)
            #expect(second.status.position == 1 && second.status.ahead == 0)
            #expect(third.status.position == 2 && third.status.ahead == 1)
            #expect(try store.queueStatus(token: third.token).position == 2)
            #expect(second.token != third.token && first.token.count == 32)
        }
    }

    @Test func aUserWithALiveTokenGetsItBack() async throws {
        try await withStore(queue: oneActive) { store, _ in
            let activeUser = UUID()
            let waitingUser = UUID()
            let active = try await store.issueToken(userID: activeUser, concertID: Demo.concert)
            let waiting = try await store.issueToken(userID: waitingUser, concertID: Demo.concert)
            #expect(try await store.issueToken(userID: activeUser, concertID: Demo.concert) == active)
            let again = try await store.issueToken(userID: waitingUser, concertID: Demo.concert)
            #expect(again.token == waiting.token)
            #expect(again.status.position == 1)
            #expect(again.userID == waitingUser)
        }
    }

    @Test func activeTokenExpiresExactlyAfterItsLifetime() async throws {
        try await withStore(queue: oneActive) { store, harness in
            let user = UUID()
            let token = try await store.activeToken(user: user)
            harness.clock.advance(byMilliseconds: 59_999)
            #expect(try store.queueStatus(token: token).state == .active)
            #expect(try store.balance(token: token) == 0)
            harness.clock.advance(byMilliseconds: 1)
            #expect(try store.queueStatus(token: token) == QueueStatus(state: .expired, concertID: Demo.concert))
            await expectReason(.tokenExpired) { try store.balance(token: token) }
            await expectReason(.tokenExpired) {
                try await store.reserveSeat(token: token, concertID: Demo.concert, date: Demo.date, seatNumber: 1)
            }
            let fresh = try await store.issueToken(userID: user, concertID: Demo.concert)
            #expect(fresh.token != token)
            #expect(fresh.status.state == .active)
        }
    }

    @Test func expiryFreesAPlaceThatAdmissionRefills() async throws {
        try await withStore(queue: oneActive) { store, harness in
            _ = try await store.activeToken()
            let next = try await store.issueToken(userID: UUID(), concertID: Demo.concert)
            let last = try await store.issueToken(userID: UUID(), concertID: Demo.concert)
            #expect(try await store.admitWaiting() == 0)
            harness.clock.advance(byMilliseconds: 60_000)
            #expect(try store.queueStatus(token: next.token).state == .waiting)
            #expect(try await store.admitWaiting() == 1)
            #expect(try store.queueStatus(token: next.token) == QueueStatus(state: .active, expiresAtMs: harness.clock.now() + 60_000, concertID: Demo.concert))
            #expect(try store.queueStatus(token: last.token).position == 1)
            #expect(try await store.admitWaiting() == 0)
        }
    }

    @Test func payingClosesTheTokenAndAdmitsTheNextInTheSameTransaction() async throws {
        try await withStore(queue: oneActive) { store, _ in
            let buyer = try await store.activeToken()
            let next = try await store.issueToken(userID: UUID(), concertID: Demo.concert)
            let reservation = try await store.reserveSeat(token: buyer, concertID: Demo.concert, date: Demo.date, seatNumber: 20)
            _ = try await store.charge(token: buyer, amount: Demo.price, idempotencyKey: nil)
            _ = try await store.pay(token: buyer, reservationID: reservation.id)
            #expect(try store.queueStatus(token: buyer) == QueueStatus(state: .expired, concertID: Demo.concert))
            #expect(try store.queueStatus(token: next.token).state == .active)
        }
    }

    @Test func pausedAdmissionKeepsEveryoneWaiting() async throws {
        try await withStore(queue: QueuePolicy(maxActive: 0)) { store, _ in
            let first = try await store.issueToken(userID: UUID(), concertID: Demo.concert)
            let second = try await store.issueToken(userID: UUID(), concertID: Demo.concert)
            #expect(first.status.position == 1 && second.status.position == 2)
            #expect(try await store.admitWaiting() == 0)
            await expectReason(.tokenNotActive) {
                try await store.reserveSeat(token: first.token, concertID: Demo.concert, date: Demo.date, seatNumber: 1)
            }
            #expect(try store.balance(token: first.token) == 0)
        }
    }

    @Test func admissionsPerIntervalCapsTheRate() async throws {
        let capped = QueuePolicy(maxActive: 10, admissionsPerInterval: 2, admissionIntervalMs: 1_000, activeLifetimeMs: 600_000)
        try await withStore(queue: capped) { store, harness in
            var issued: [IssuedToken] = []
            for _ in 0..<5 {
                issued.append(try await store.issueToken(userID: UUID(), concertID: Demo.concert))
            }
            #expect(issued.map(\.status.state) == [.active, .active, .waiting, .waiting, .waiting])
            harness.clock.advance(byMilliseconds: 999)
            #expect(try await store.admitWaiting() == 0)
            harness.clock.advance(byMilliseconds: 1)
            #expect(try await store.admitWaiting() == 2)
            #expect(try await store.admitWaiting() == 0)
            harness.clock.advance(byMilliseconds: 1_000)
            #expect(try await store.admitWaiting() == 1)
            for token in issued {
                #expect(try store.queueStatus(token: token.token).state == .active)
            }
        }
    }

    @Test func estimatedWaitIsUnknownUntilPlacesAreFilledThenFollowsTheMeasuredRate() async throws {
        let policy = QueuePolicy(maxActive: 2, activeLifetimeMs: 60_000)
        try await withStore(queue: policy) { store, harness in
            harness.clock.advance(byMilliseconds: 600_001)
            _ = try await store.activeToken()
            _ = try await store.activeToken()
            let waiters = try await (0..<4).asyncMap { _ in try await store.issueToken(userID: UUID(), concertID: Demo.concert) }
            // Two places filled in the last minute: 2 per 60 s, so position p waits p × 30 s.
            #expect(waiters[0].status.estimatedWaitMs == 30_000)
            #expect(waiters[3].status.estimatedWaitMs == 120_000)
            // A minute later the short window is empty: the ten-minute window saw 2, so p × 300 s.
            harness.clock.advance(byMilliseconds: 60_000)
            #expect(try store.queueStatus(token: waiters[1].token).estimatedWaitMs == 600_000)
            #expect(try await store.admitWaiting() == 2)
            harness.clock.advance(byMilliseconds: 1_000)
            let status = try store.queueStatus(token: waiters[3].token)
            #expect(status.position == 2)
            // Two admissions within the last 60 s again: 2 × 60 000 / 2.
            #expect(status.estimatedWaitMs == 60_000)
        }
    }

    @Test func estimatedWaitIsUnknownWhenNoPlaceWasFilledForTenMinutes() async throws {
        try await withStore(queue: QueuePolicy(maxActive: 0, activeLifetimeMs: 600_000)) { store, _ in
            _ = try await store.issueToken(userID: UUID(), concertID: Demo.concert)
            let second = try await store.issueToken(userID: UUID(), concertID: Demo.concert)
            #expect(second.status.state == .waiting)
            #expect(second.status.estimatedWaitMs == nil)
        }
    }

    @Test func tokenErrors() async throws {
        try await withStore { store, _ in
            await expectReason(.tokenMissing) { try store.queueStatus(token: "") }
            await expectReason(.tokenUnknown) { try store.queueStatus(token: "nope") }
            await expectReason(.tokenUnknown) { try store.queueStatus(token: AccessToken.generate()) }
            await expectReason(.tokenUnknown) { try store.balance(token: AccessToken.generate()) }
            await expectReason(.tokenMissing) { try await store.pay(token: "", reservationID: 1) }
        }
    }
}

extension Sequence {
    /// Maps each element in order with an async transform.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self {
            results.append(try await transform(element))
        }
        return results
    }
}
