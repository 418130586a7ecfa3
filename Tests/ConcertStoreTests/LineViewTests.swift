import ConcertDomain
import ConcertStore
import ConcertStorePostgres
import Foundation
import Testing

/// Statuses and line reports from a server's view of the lines (on PostgreSQL; on SQLite the same answers come
/// from the database itself): what one store writes reaches the answers of another store on the database
/// through the change feed, and a held token's status costs no read of the database.
@Suite struct LineViewTests {
    @Test func admissionsLeavesAndDropsMadeThroughOneStoreReachAnotherStoresAnswers() async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let writer = try harness.open()
        defer { writer.close() }
        let reader = try harness.open()
        defer { reader.close() }
        try await writer.loadCatalog(
            Catalog(concerts: [WaitingRoomTests.concert(10, sale: .init(opensInSeconds: 60, maxActive: 1))]))

        let early = try await (0..<3).asyncMap { _ in try await writer.issueToken(userID: UUID(), concertID: 10).token }
        #expect(try early.map { try reader.queueStatus(token: $0).state } == [.preQueue, .preQueue, .preQueue])
        harness.clock.advance(byMilliseconds: 60_000)
        _ = try await writer.admitWaiting()
        let states = try early.map { try reader.queueStatus(token: $0) }
        #expect(states.filter { $0.state == .active }.count == 1)
        #expect(states.filter { $0.state == .waiting }.map(\.position).sorted() == [1, 2])

        let active = early[states.firstIndex { $0.state == .active }!]
        let next = early[states.firstIndex { $0.position == 1 }!]
        let last = early[states.firstIndex { $0.position == 2 }!]
        _ = try await writer.leave(token: last)
        #expect(try reader.queueStatus(token: last).state == .abandoned)
        #expect(try reader.saleLine(concertID: 10).waiting == 1)
        _ = try await writer.leave(token: active)
        #expect(try reader.queueStatus(token: active).state == .expired)
        #expect(try reader.queueStatus(token: next).state == .active)
        #expect(try reader.saleLine(concertID: 10).active == 1)
    }

    @Test func aHeldTokensStatusIsAnsweredAtOnceWithoutReadingTheDatabase() async throws {
        try await withStore(queue: QueuePolicy(maxActive: 1)) { store, _ in
            _ = try await store.activeToken()
            let waiting = try await store.issueToken(userID: UUID(), concertID: Demo.concert).token
            #expect(try store.queueStatus(token: waiting).position == 1)
            var atOnce = 0
            for _ in 0..<1_000 {
                let read = store.reads.queueStatus(token: waiting)
                if let result = read.readyResult {
                    #expect(try result.get().position == 1)
                    atOnce += 1
                } else {
                    #expect(try await read.value().position == 1)
                }
            }
            // A read of the database is answered later on PostgreSQL; from the view, at once (a refresh that a
            // loaded machine delays past the view's one-second bound may make a few of them wait).
            #expect(atOnce >= 500, "only \(atOnce) of 1,000 statuses were answered at once")
        }
    }
}
