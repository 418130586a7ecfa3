import ConcertClient
import ConcertProtocol
import ConcertTesting
import Foundation
import Testing

/// Two `concert-server` processes on one SQLite file behind haproxy: fans wait in `waitUntilActive`
/// through `ConcertClient`; one server is stopped with SIGTERM and started again. Every fan goes on on
/// the other server without an error, keeps its place, and is admitted later.
@Suite("Rolling restart", .serialized, .enabled(if: LoopbackBalancer.isInstalled))
struct RollingRestartTests {
    private static let fans = 60
    private static let activeSeconds: Int64 = 600
    private static let arguments = [
        "--max-active", "5", "--admission-interval-ms", "100", "--active-seconds", "\(activeSeconds)",
    ]

    @Test("SIGTERM to one of two servers on one SQLite file: every watching fan moves without an error and keeps its place")
    func restartOneOfTwo() async throws {
        let folder = try Launch.sharedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("concert.db").path
        var servers = [
            try await ServerProcess(database: database, arguments: Self.arguments, logLevel: "notice"),
            try await ServerProcess(database: database, arguments: Self.arguments),
        ]
        let balancer = try await LoopbackBalancer(serverPorts: servers.map(\.port))
        let fans = try await WatchingFans(port: balancer.port, connections: 4, activeSeconds: Self.activeSeconds)
        try await fans.join(count: Self.fans) { caller in await leave(caller) }
        #expect(try await fans.wait(upTo: .seconds(60)) { $0.admittedCount >= Self.fans / 3 })

        let drained = servers[0]
        #expect(await drained.stop() == 0, "the drained server did not exit cleanly")
        let moved = drained.log.split(separator: "\n").first { $0.contains("drained") }
        #expect(moved != nil && moved?.contains("watches-moved=0") == false, "no watch was moved: \(drained.log)")
        servers[0] = try await ServerProcess(database: database, port: drained.port, arguments: Self.arguments)
        try await balancer.waitUntilAllUp()

        #expect(try await fans.wait(upTo: .seconds(60)) { $0.settledCount == Self.fans })
        #expect(fans.admittedCount == Self.fans, "not every fan was admitted")
        await fans.finish()
        #expect(fans.problems() == [])
        await fans.close()
        for server in servers { #expect(await server.stop() == 0) }
        await balancer.stop()
        let report = try await audit(database)
        #expect(report.violations == [])
    }
}

/// Leaves the line for `caller`, trying again (up to 5 times, 100 ms apart) while the call fails.
func leave(_ caller: TokenScopedCaller) async {
    for _ in 0..<5 {
        do {
            _ = try await caller.leaveQueue()
            return
        } catch {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
