import ConcertDomain
import Testing

@Suite struct QueueRulesTests {
    @Test func ticketStateIsDerivedFromAdmissionMarkExpiryAndClosure() {
        let waiting = QueueTicket(seq: 7, expiresAtMs: nil, isClosed: false)
        #expect(waiting.state(admittedThrough: 4, now: 0) == .waiting)
        #expect(waiting.position(admittedThrough: 4) == 3)

        let active = QueueTicket(seq: 3, expiresAtMs: 1_000, isClosed: false)
        #expect(active.state(admittedThrough: 4, now: 999) == .active)
        #expect(active.state(admittedThrough: 4, now: 1_000) == .expired)
        #expect(active.isLive(admittedThrough: 4, now: 999))
        #expect(!active.isLive(admittedThrough: 4, now: 1_000))

        let closed = QueueTicket(seq: 3, expiresAtMs: 1_000, isClosed: true)
        #expect(closed.state(admittedThrough: 4, now: 10) == .expired)
    }

    @Test func statusCarriesPositionWaitAndExpiry() {
        let waiting = QueueTicket(seq: 10, expiresAtMs: nil, isClosed: false)
        let status = waiting.status(admittedThrough: 6, now: 0) { $0 * 100 }
        #expect(status == QueueStatus(state: .waiting, position: 4, ahead: 3, estimatedWaitMs: 400, expiresAtMs: nil))

        let active = QueueTicket(seq: 1, expiresAtMs: 5_000, isClosed: false)
        #expect(active.status(admittedThrough: 6, now: 0) { _ in 99 } == .active(expiresAtMs: 5_000))
        #expect(active.status(admittedThrough: 6, now: 5_000) { _ in 99 } == .expired)
    }

    @Test func waitUsesTheObservedRateWhenThereIsOne() {
        let policy = QueuePolicy(maxActive: 100, activeLifetimeMs: 600_000)
        // 120 admissions in the last minute = 2 per second: position 10 waits 5 s.
        #expect(WaitEstimate.milliseconds(position: 10, admittedInWindow: 120, policy: policy) == 5_000)
        #expect(WaitEstimate.milliseconds(position: 1, admittedInWindow: 60_000, policy: policy) == 1)
    }

    @Test func waitFallsBackToTurnoverWithoutObservedRate() {
        let policy = QueuePolicy(maxActive: 100, activeLifetimeMs: 600_000)
        #expect(WaitEstimate.milliseconds(position: 250, admittedInWindow: 0, policy: policy) == 1_500_000)
        let paused = QueuePolicy(maxActive: 0, activeLifetimeMs: 600_000)
        #expect(WaitEstimate.milliseconds(position: 2, admittedInWindow: 0, policy: paused) == 1_200_000)
        let capped = QueuePolicy(maxActive: 100, admissionsPerInterval: 1, admissionIntervalMs: 60_000, activeLifetimeMs: 600_000)
        #expect(WaitEstimate.milliseconds(position: 50, admittedInWindow: 0, policy: capped) == 3_000_000)
        #expect(WaitEstimate.milliseconds(position: 0, admittedInWindow: 0, policy: policy) == 0)
        #expect(WaitEstimate.milliseconds(position: Int64.max, admittedInWindow: 0, policy: policy) == Int64.max / 100)
    }

    @Test func reservationStateIsDerived() {
        #expect(ReservationState.derive(paidAtMs: nil, expiresAtMs: 100, now: 99) == .held)
        #expect(ReservationState.derive(paidAtMs: nil, expiresAtMs: 100, now: 100) == .lapsed)
        #expect(ReservationState.derive(paidAtMs: 50, expiresAtMs: 100, now: 500) == .paid)
    }

    @Test func tokensAre128RandomBitsInLowercaseHex() throws {
        let tokens = (0..<1_000).map { _ in AccessToken.generate() }
        #expect(Set(tokens).count == tokens.count)
        for token in tokens {
            #expect(token.count == 32)
            try AccessToken.validate(token)
        }
        #expect(throws: ConcertError(.tokenMissing)) { try AccessToken.validate("") }
        #expect(throws: ConcertError(.tokenUnknown)) { try AccessToken.validate("abc") }
        #expect(throws: ConcertError(.tokenUnknown)) { try AccessToken.validate(String(repeating: "A", count: 32)) }
    }

    @Test func manualClockMovesOnlyWhenTold() {
        let clock = ManualClock(now: 1_000)
        #expect(clock.now() == 1_000)
        clock.advance(byMilliseconds: 250)
        #expect(clock.now() == 1_250)
        clock.set(5)
        #expect(clock.now() == 5)
        #expect(SystemClock().now() > 1_700_000_000_000)
    }

    @Test func policiesHaveTheDocumentedDefaults() {
        let queue = QueuePolicy()
        #expect(queue.maxActive == 100)
        #expect(queue.admissionsPerInterval == nil)
        #expect(queue.admissionIntervalMs == 1_000)
        #expect(queue.activeLifetimeMs == 600_000)
        #expect(HoldPolicy().holdDurationMs == 300_000)
        #expect(SeatPolicy.seatNumbers == 1...50)
    }
}
