import ConcertClient
import ConcertProtocol
import ConcertTesting
import Foundation
import Testing

/// Three `concert-server` processes on one PostgreSQL database behind haproxy, 3,000 fans waiting in
/// `waitUntilActive` through 16 `ConcertClient` connections while the admitted ones buy (charge, hold,
/// pay); each server in turn is stopped with SIGTERM and started again. No fan loses its place or sees an
/// error, every watcher that became ACTIVE was told within a second of its admission, and every
/// acknowledged charge and payment is in the database. Runs in the PostgreSQL pass (`tools/test-postgres`)
/// on a database of its own, one suite at a time.
@Suite("Rolling restart on PostgreSQL", .serialized, .enabled(if: TestDatabase.isPostgres && LoopbackBalancer.isInstalled))
struct PostgresRollingRestartTests {
    private static let fans = 3_000
    private static let activeSeconds: Int64 = 600
    private static let arguments = [
        "--max-active", "100", "--admission-interval-ms", "100", "--active-seconds", "\(activeSeconds)",
        "--active-idle-seconds", "10", "--max-in-flight", "1024",
    ]

    @Test("each of three servers restarted in turn under a buying storm: no watching fan loses its place or sees an error")
    func restartEachInTurn() async throws {
        let folder = try Launch.sharedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try TestDatabase.fresh(in: folder)
        defer { TestDatabase.remove(database) }
        var servers: [ServerProcess] = []
        for _ in 0..<3 { servers.append(try await ServerProcess(database: database, arguments: Self.arguments)) }
        let balancer = try await LoopbackBalancer(serverPorts: servers.map(\.port))
        let lister = try await ConcertClient.connect(port: balancer.port)
        _ = try await lister.issueToken(userID: UUID().uuidString.lowercased(), concertID: 1)
        let storm = try await BuyingStorm(listingWith: lister)
        _ = try await lister.leaveQueue()
        await lister.close()

        let fans = try await WatchingFans(port: balancer.port, connections: 16, activeSeconds: Self.activeSeconds)
        try await fans.join(count: Self.fans) { caller in await storm.buy(caller) }
        for (turn, server) in servers.enumerated() {
            let target = Self.fans * (turn + 1) / 4
            #expect(try await fans.wait(upTo: .seconds(60)) { $0.admittedCount >= target }, "the line stalled before restart \(turn + 1)")
            let port = server.port
            #expect(await server.stop() == 0, "server \(turn + 1) did not drain and exit cleanly")
            servers[turn] = try await ServerProcess(database: database, port: port, arguments: Self.arguments)
            try await balancer.waitUntilAllUp()
        }
        #expect(try await fans.wait(upTo: .seconds(60)) { $0.settledCount == Self.fans })
        #expect(fans.admittedCount == Self.fans, "not every fan was admitted")
        await fans.finish()
        #expect(fans.problems(toldWithinMs: 1_000) == [])
        await fans.close()
        for server in servers { #expect(await server.stop() == 0) }
        await balancer.stop()

        let acknowledged = storm.acknowledged
        let report = try await audit(database)
        #expect(report.violations == [])
        #expect(report.totalCharged >= acknowledged.charged, "acknowledged charges are missing")
        #expect(report.soldSeats >= acknowledged.payments, "acknowledged payments are missing")
        #expect(report.totalPaid >= acknowledged.paid, "acknowledged payments are missing")
    }
}
