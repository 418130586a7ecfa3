import ConcertDomain
import ConcertStore
import ConcertStorePostgres
import Foundation
import Testing

/// The waiting room: a line per sale, the shuffled pre-queue, presence, leaving and honest
/// estimates. Time is moved, never slept.
@Suite struct WaitingRoomTests {
    /// A concert with one date at `price` and the sale `sale`.
    static func concert(_ id: Int64, sale: Catalog.SaleEntry, price: Int64 = 1_000) -> Catalog.ConcertEntry {
        Catalog.ConcertEntry(
            id: id, title: "Show \(id)", artist: "Artist", venue: "Hall",
            dates: [Catalog.DateEntry(date: "2027-09-01", startsAt: "2027-09-01T19:00:00Z", price: price)], sale: sale)
    }

    /// A store on a fresh file with presence grace `graceMs` and the concerts of `catalog`, closed and
    /// audited after `body`.
    static func withSales(
        _ concerts: [Catalog.ConcertEntry], graceMs: Int64 = 60_000,
        _ body: (ConcertStore, StoreHarness) async throws -> Void
    ) async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let store = try ConcertStore.open(
            configuration: StoreConfiguration(database: harness.database, presence: PresencePolicy(graceMs: graceMs)),
            clock: harness.clock)
        defer { store.close() }
        try await store.loadCatalog(Catalog(concerts: concerts))
        try await body(store, harness)
        #expect(try await store.audit().violations == [])
    }

    @Test func salesHaveSeparateLinesAndTokensActOnlyOnTheirOwn() async throws {
        try await Self.withSales([Self.concert(10, sale: .init(maxActive: 1)), Self.concert(20, sale: .init(maxActive: 1))]) {
            store, _ in
            let user = UUID()
            let first = try await store.issueToken(userID: user, concertID: 10)
            let other = try await store.issueToken(userID: user, concertID: 20)
            #expect(first.status.state == .active && other.status.state == .active)
            #expect(first.token != other.token)
            let second = try await store.issueToken(userID: UUID(), concertID: 10)
            #expect(second.status.state == .waiting && second.status.position == 1)
            await expectReason(.tokenWrongConcert) {
                try await store.reserveSeat(token: first.token, concertID: 20, date: "2027-09-01", seatNumber: 1)
            }
            let held = try await store.reserveSeat(token: other.token, concertID: 20, date: "2027-09-01", seatNumber: 1)
            _ = try await store.charge(token: first.token, amount: 1_000, idempotencyKey: nil)
            await expectReason(.tokenWrongConcert) { try await store.pay(token: first.token, reservationID: held.id) }
            _ = try await store.pay(token: other.token, reservationID: held.id)
            #expect(try store.queueStatus(token: second.token).state == .waiting)
        }
    }

    @Test func badSaleInputs() async throws {
        let concerts = [
            Self.concert(10, sale: .init(opensInSeconds: 3_600, preQueueSeconds: 600)),
            Self.concert(20, sale: .init(opensInSeconds: -7_200, closesInSeconds: -3_600)),
        ]
        try await Self.withSales(concerts) { store, _ in
            await expectReason(.invalidConcertID) { try await store.issueToken(userID: UUID(), concertID: 0) }
            await expectReason(.invalidConcertID) { try await store.issueToken(userID: UUID(), concertID: -3) }
            await expectReason(.concertNotFound) { try await store.issueToken(userID: UUID(), concertID: 99) }
            await expectReason(.saleNotOpen) { try await store.issueToken(userID: UUID(), concertID: 10) }
            await expectReason(.saleClosed) { try await store.issueToken(userID: UUID(), concertID: 20) }
            await expectReason(.concertNotFound) { try store.saleLine(concertID: 99) }
        }
    }

    @Test func thePreQueueGetsDistinctPlacesAtOpeningAndLaterArrivalsComeAfterInOrder() async throws {
        try await Self.withSales([Self.concert(10, sale: .init(opensInSeconds: 1_200, maxActive: 0, preQueueSeconds: 600))]) {
            store, harness in
            await expectReason(.saleNotOpen) { try await store.issueToken(userID: UUID(), concertID: 10) }
            harness.clock.advance(byMilliseconds: 600_000)
            let early = try await (0..<200).asyncMap { _ in try await store.issueToken(userID: UUID(), concertID: 10) }
            #expect(early.allSatisfy { $0.status.state == .preQueue && $0.status.position == 0 })
            #expect(early[0].status.opensAtMs == StoreHarness.start + 1_200_000)
            #expect(try store.saleLine(concertID: 10).waiting == 200)
            harness.clock.advance(byMilliseconds: 600_000)
            let late = try await (0..<3).asyncMap { _ in try await store.issueToken(userID: UUID(), concertID: 10) }
            #expect(late.map(\.status.position) == [201, 202, 203])
            _ = try await store.admitWaiting(chunk: 64)
            let positions = try early.map { try store.queueStatus(token: $0.token).position }
            #expect(positions.sorted() == Array(1...200))
            #expect(positions != Array(1...200), "arrival order kept: the pre-queue was not shuffled")
            #expect(try late.map { try store.queueStatus(token: $0.token).position } == [201, 202, 203])
            _ = try await store.admitWaiting(chunk: 64)
            #expect(try early.map { try store.queueStatus(token: $0.token).position } == positions)
        }
    }

    @Test func eachPreQueuedFanIsEquallyLikelyToGetEveryPlace() async throws {
        let sales = 300
        let fans = 5
        let concerts = (1...sales).map { Self.concert(Int64(100 + $0), sale: .init(opensInSeconds: 60, maxActive: 0)) }
        try await Self.withSales(concerts) { store, harness in
            var tokens: [[String]] = []
            for sale in 1...sales {
                tokens.append(
                    try await (0..<fans).asyncMap { _ in
                        try await store.issueToken(userID: UUID(), concertID: Int64(100 + sale)).token
                    })
            }
            harness.clock.advance(byMilliseconds: 60_000)
            _ = try await store.admitWaiting()
            var counts = Array(repeating: Array(repeating: 0, count: fans), count: fans)
            for line in tokens {
                for (arrival, token) in line.enumerated() {
                    counts[arrival][Int(try store.queueStatus(token: token).position) - 1] += 1
                }
            }
            let expected = Double(sales) / Double(fans)
            for (arrival, row) in counts.enumerated() {
                let chiSquare = row.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
                // 4 degrees of freedom: exceeded by chance once in 10,000 runs; a fixed order scores 1,200.
                #expect(chiSquare < 23.5, "arrival \(arrival + 1): places \(row)")
            }
        }
    }

    @Test func silentFansLoseTheirPlaceAndAreNeverAdmittedWhilePresentOnesMoveUp() async throws {
        try await Self.withSales([Self.concert(10, sale: .init(maxActive: 1))], graceMs: 60_000) { store, harness in
            let active = try await store.issueToken(userID: UUID(), concertID: 10)
            let waiting = try await (0..<6).asyncMap { _ in try await store.issueToken(userID: UUID(), concertID: 10) }
            #expect(waiting.map(\.status.position) == [1, 2, 3, 4, 5, 6])
            let present = [waiting[1], waiting[3], waiting[5]]
            for _ in 0..<2 {
                harness.clock.advance(byMilliseconds: 40_000)
                _ = try store.queueStatus(token: active.token)
                for fan in present { _ = try store.queueStatus(token: fan.token) }
                _ = try await store.keepPresence()
            }
            for fan in [waiting[0], waiting[2], waiting[4]] {
                #expect(try store.queueStatus(token: fan.token).state == .abandoned)
                await expectReason(.tokenAbandoned) { try store.balance(token: fan.token) }
            }
            #expect(try present.map { try store.queueStatus(token: $0.token).position } == [1, 2, 3])
            _ = try await store.leave(token: active.token)
            #expect(try store.queueStatus(token: present[0].token).state == .active)
            #expect(try store.queueStatus(token: present[1].token).position == 1)
            let again = try await store.issueToken(userID: waiting[0].userID, concertID: 10)
            #expect(again.token != waiting[0].token)
            #expect(again.status.position == 3)
        }
    }

    @Test func anIdleActiveFanExpiresAndTheNextIsAdmitted() async throws {
        try await Self.withSales([Self.concert(10, sale: .init(maxActive: 1, activeIdleSeconds: 120))]) { store, harness in
            let active = try await store.issueToken(userID: UUID(), concertID: 10)
            let next = try await store.issueToken(userID: UUID(), concertID: 10)
            for _ in 0..<3 {
                harness.clock.advance(byMilliseconds: 50_000)
                _ = try store.queueStatus(token: next.token)
                _ = try await store.keepPresence()
            }
            #expect(try store.queueStatus(token: active.token).state == .expired)
            #expect(try store.queueStatus(token: next.token).state == .active)
        }
    }

    @Test func leavingTwiceAndTheLineNeverStallsWhenEveryoneLeft() async throws {
        try await Self.withSales([Self.concert(10, sale: .init(maxActive: 1))]) { store, _ in
            let active = try await store.issueToken(userID: UUID(), concertID: 10)
            let waiting = try await (0..<3).asyncMap { _ in try await store.issueToken(userID: UUID(), concertID: 10) }
            for fan in waiting { #expect(try await store.leave(token: fan.token).state == .abandoned) }
            await expectReason(.tokenAbandoned) { try await store.leave(token: waiting[0].token) }
            #expect(try await store.leave(token: active.token).state == .expired)
            await expectReason(.tokenExpired) { try await store.leave(token: active.token) }
            let newcomer = try await store.issueToken(userID: UUID(), concertID: 10)
            #expect(newcomer.status.state == .active)
            #expect(try store.saleLine(concertID: 10).waiting == 0)
        }
    }

    @Test("the estimate is within 20 % of the wait that follows", arguments: [true, false])
    func estimatesAreHonest(capped: Bool) async throws {
        let sale: Catalog.SaleEntry =
            capped ? .init(maxActive: 100_000, admissionsPerInterval: 5, admissionIntervalMs: 1_000) : .init(maxActive: 10)
        try await Self.withSales([Self.concert(10, sale: sale)]) { store, harness in
            var fans = try await (0..<(capped ? 800 : 200)).asyncMap { _ in try await store.issueToken(userID: UUID(), concertID: 10) }
            var active = fans.filter { $0.status.state == .active }
            fans.removeAll { $0.status.state == .active }
            func tick() async throws {
                harness.clock.advance(byMilliseconds: 1_000)
                if !capped, let first = active.first {
                    _ = try await store.leave(token: first.token)
                    active.removeFirst()
                }
                _ = try await store.admitWaiting()
                for fan in fans where try store.queueStatus(token: fan.token).state == .active {
                    active.append(fan)
                }
                fans.removeAll { fan in active.contains { $0.token == fan.token } }
            }
            for _ in 0..<61 { try await tick() }
            let watched = fans[min(fans.count - 1, capped ? 200 : 60)]
            let estimate = try #require(try store.queueStatus(token: watched.token).estimatedWaitMs)
            var waited: Int64 = 0
            while try store.queueStatus(token: watched.token).state == .waiting {
                try await tick()
                waited += 1_000
            }
            let ratio = Double(estimate) / Double(waited)
            #expect(ratio > 0.8 && ratio < 1.2, "estimated \(estimate) ms, waited \(waited) ms")
        }
    }

    @Test func twoStoresShareOnePreQueueDrawnOnceAndKeepFIFOAfterOpening() async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let first = try harness.open()
        defer { first.close() }
        let second = try harness.open()
        defer { second.close() }
        try await first.loadCatalog(Catalog(concerts: [Self.concert(10, sale: .init(opensInSeconds: 60, maxActive: 3))]))
        let stores = [first, second]
        let early = try await (0..<40).asyncMap { index in
            try await stores[index % 2].issueToken(userID: UUID(), concertID: 10).token
        }
        harness.clock.advance(byMilliseconds: 60_000)
        async let placedByFirst = first.admitWaiting(chunk: 7)
        async let placedBySecond = second.admitWaiting(chunk: 7)
        _ = try await (placedByFirst, placedBySecond)
        let late = try await (0..<20).asyncMap { index in
            try await stores[index % 2].issueToken(userID: UUID(), concertID: 10).token
        }
        var positions: [Int64] = []
        var activeCount = 0
        for token in early {
            let status = try stores.randomElement()!.queueStatus(token: token)
            if status.state == .active { activeCount += 1 } else { positions.append(status.position) }
        }
        #expect(activeCount == 3)
        #expect(positions.sorted() == Array(1...37))
        #expect(try late.map { try second.queueStatus(token: $0).position } == Array(38...57))
        _ = try await first.admitWaiting()
        #expect(try await first.audit().violations == [])
    }

    @Test func aFanWhoseCallsMoveToAnotherProcessKeepsThePlaceAndADeadProcessesFansAreDropped() async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let configuration = StoreConfiguration(database: harness.database, presence: PresencePolicy(graceMs: 60_000))
        let first = try ConcertStore.open(configuration: configuration, clock: harness.clock)
        defer { first.close() }
        var second: ConcertStore? = try ConcertStore.open(configuration: configuration, clock: harness.clock)
        try await first.loadCatalog(Catalog(concerts: [Self.concert(10, sale: .init(maxActive: 1))]))
        _ = try await first.issueToken(userID: UUID(), concertID: 10)
        let mover = try await first.issueToken(userID: UUID(), concertID: 10)
        let stayer = try await first.issueToken(userID: UUID(), concertID: 10)
        for _ in 0..<4 {
            harness.clock.advance(byMilliseconds: 30_000)
            _ = try second?.queueStatus(token: mover.token)
            _ = try first.queueStatus(token: stayer.token)
            _ = try await second?.keepPresence()
            _ = try await first.keepPresence()
        }
        #expect(try second?.queueStatus(token: mover.token).state == .waiting)
        #expect(try first.queueStatus(token: stayer.token).position == 2)
        second?.close()
        second = nil
        for _ in 0..<3 {
            harness.clock.advance(byMilliseconds: 30_000)
            _ = try first.queueStatus(token: stayer.token)
            _ = try await first.keepPresence()
        }
        #expect(try first.queueStatus(token: mover.token).state == .abandoned)
        #expect(try first.queueStatus(token: stayer.token).position == 1)
        #expect(try await first.audit().violations == [])
    }

    @Test func aFanWhoseCallsAlternateBetweenProcessesWithinTheGraceKeepsThePlace() async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let configuration = StoreConfiguration(database: harness.database, presence: PresencePolicy(graceMs: 2_000))
        let first = try ConcertStore.open(configuration: configuration, clock: harness.clock)
        defer { first.close() }
        let second = try ConcertStore.open(configuration: configuration, clock: harness.clock)
        defer { second.close() }
        try await first.loadCatalog(Catalog(concerts: [Self.concert(10, sale: .init(maxActive: 1))]))
        _ = try await first.issueToken(userID: UUID(), concertID: 10)
        var fans: [IssuedToken] = []
        for _ in 0..<10 {
            fans.append(try await first.issueToken(userID: UUID(), concertID: 10))
        }
        let stores = [first, second]
        // Both processes keep presence every second, the first before the second; the fans call every
        // 1.2 s, alternately through each (each process hears them every 2.4 s, more than G). The one they
        // left finds them silent for G before the other's next presence round.
        for elapsed in stride(from: 200, through: 7_200, by: 200) {
            harness.clock.advance(byMilliseconds: 200)
            if elapsed % 1_000 == 0 {
                _ = try await first.keepPresence()
                _ = try await second.keepPresence()
            }
            if elapsed % 1_200 == 0 {
                let store = stores[(elapsed / 1_200) % 2]
                for fan in fans {
                    _ = try store.queueStatus(token: fan.token)
                }
                await store.probeStorage()
            }
        }
        let states = try fans.map { try first.queueStatus(token: $0.token) }
        #expect(states.map(\.state) == Array(repeating: .waiting, count: 10))
        #expect(states.map(\.position) == Array(1...10))
        #expect(try await first.audit().violations == [])
    }

    @Test func theFansOfAProcessThatDiedBeforeItsFirstPresenceRoundAreSettled() async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let configuration = StoreConfiguration(database: harness.database, presence: PresencePolicy(graceMs: 5_000))
        let survivor = try ConcertStore.open(configuration: configuration, clock: harness.clock)
        defer { survivor.close() }
        try await survivor.loadCatalog(Catalog(concerts: [Self.concert(10, sale: .init(maxActive: 1))]))
        let crashed = try ConcertStore.open(configuration: configuration, clock: harness.clock)
        let active = try await crashed.issueToken(userID: UUID(), concertID: 10)
        let waiting = try await crashed.issueToken(userID: UUID(), concertID: 10)
        crashed.close()
        harness.clock.advance(byMilliseconds: 6_000)
        _ = try await survivor.keepPresence()
        #expect(try survivor.queueStatus(token: waiting.token).state == .abandoned)
        #expect(try survivor.queueStatus(token: active.token).state == .expired)
    }
}
