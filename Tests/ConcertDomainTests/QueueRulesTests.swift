import ConcertDomain
import Testing

@Suite struct QueueRulesTests {
    @Test func ticketStateIsDerivedFromPlaceHeadExpiryClosureAndDrop() {
        func ticket(place: Int64?, expires: Int64? = nil, closed: Bool = false, abandoned: Bool = false) -> QueueTicket {
            QueueTicket(seq: 1, concertID: 1, place: place, expiresAtMs: expires, isClosed: closed, isAbandoned: abandoned)
        }
        #expect(ticket(place: nil).state(admittedThrough: 0, now: 0) == .preQueue)
        #expect(ticket(place: 7).state(admittedThrough: 4, now: 0) == .waiting)
        #expect(ticket(place: 3, expires: 1_000).state(admittedThrough: 4, now: 999) == .active)
        #expect(ticket(place: 3, expires: 1_000).state(admittedThrough: 4, now: 1_000) == .expired)
        #expect(ticket(place: 3, expires: 1_000, closed: true).state(admittedThrough: 4, now: 10) == .expired)
        #expect(ticket(place: 7, abandoned: true).state(admittedThrough: 4, now: 0) == .abandoned)
        #expect(ticket(place: nil, abandoned: true).state(admittedThrough: 0, now: 0) == .abandoned)
        #expect(ticket(place: nil).isLive(admittedThrough: 0, now: 0))
        #expect(!ticket(place: 7, abandoned: true).isLive(admittedThrough: 4, now: 0))
    }

    @Test func saleStateFollowsItsTimes() {
        let sale = Sale(
            concertID: 1, opensAtMs: 10_000, closesAtMs: 20_000, policy: QueuePolicy(preQueueWindowMs: 4_000))
        #expect(sale.state(now: 5_999) == .upcoming)
        #expect(sale.state(now: 6_000) == .preQueue)
        #expect(sale.state(now: 10_000) == .open)
        #expect(sale.state(now: 20_000) == .closed)
        #expect(Sale(concertID: 1, opensAtMs: 0, closesAtMs: nil, policy: QueuePolicy()).state(now: .max) == .open)
    }

    @Test func waitIsPositionOverTheMeasuredRateAndUnknownWithoutOne() {
        // 120 admissions in the last minute = 2 per second: position 10 waits 5 s.
        #expect(WaitEstimate.milliseconds(position: 10, admitted: 120, windowMs: 60_000) == 5_000)
        #expect(WaitEstimate.milliseconds(position: 1, admitted: 60_000, windowMs: 60_000) == 1)
        #expect(WaitEstimate.milliseconds(position: 250, admitted: 0, windowMs: 60_000) == nil)
        #expect(WaitEstimate.milliseconds(position: Int64.max, admitted: 1, windowMs: 60_000) == Int64.max)
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
        #expect(queue.activeIdleMs == 300_000)
        #expect(queue.preQueueWindowMs == 900_000)
        #expect(PresencePolicy().graceMs == 60_000)
        #expect(HoldPolicy().holdDurationMs == 300_000)
        #expect(SeatPolicy.seatNumbers == 1...50)
    }
}
