@testable import ConcertStore
@testable import ConcertStorePostgres
import ConcertDomain
import ConcertTesting
import Foundation
import Logging
import NIOPosix
import Testing

/// The change feed that a PostgreSQL server's view of the lines follows, where writers commit side by side.
@Suite struct ChangeFeedTests {
    /// Transaction ids are handed out in the order transactions start writing, entry ids in the order rows
    /// are inserted, and neither is the order of commits: a view that read past the newest entry it saw
    /// would never see an older transaction that commits later.
    @Test(.enabled(if: TestDatabase.isPostgres, "the feed is PostgreSQL's"))
    func aChangeCommittedAfterALaterOneStillReachesTheView() async throws {
        try await withStore { store, harness in
            let first = try await store.issueToken(userID: UUID(), concertID: Demo.preQueueConcert)
            let second = try await store.issueToken(userID: UUID(), concertID: Demo.preQueueConcert)
            #expect(try store.queueStatus(token: first.token).state == .preQueue)
            #expect(try store.queueStatus(token: second.token).state == .preQueue)

            let older = try BlockingPostgresConnection.connect(
                to: try #require(PostgresLocation(url: harness.database)), on: MultiThreadedEventLoopGroup.singleton.next(),
                connectTimeout: .seconds(5), lockTimeoutMs: 0, timeout: .seconds(30), logger: Logger(label: "test"))
            defer { older.close() }
            try older.run("BEGIN")
            try older.execute(
                "UPDATE tokens SET abandoned_ms = ?2 WHERE token = ?1 AND abandoned_ms IS NULL", first.token,
                harness.clock.now())
            try older.execute(
                "INSERT INTO token_changes (seq, at_ms) SELECT seq, ?2 FROM tokens WHERE token = ?1", first.token,
                harness.clock.now())

            #expect(try await store.leave(token: second.token).state == .abandoned)
            #expect(try store.queueStatus(token: second.token).state == .abandoned)
            #expect(try store.queueStatus(token: first.token).state == .preQueue)

            try older.commit()
            CommitGeneration.advance()
            #expect(try store.queueStatus(token: first.token).state == .abandoned)
        }
    }
}
