import ConcertDomain
import ConcertProtocol
import ConcertStore
import Foundation
import ConcertTesting
import Testing

/// Several `concert-server` processes on one database (a file, or in the PostgreSQL pass one
/// PostgreSQL database) keep every rule, and a server killed with SIGKILL mid-storm loses no
/// acknowledged change.
@Suite("Processes", .serialized)
struct MultiProcessTests {
    @Test("three processes on one database: 1,000 racers for one seat, exactly one wins")
    func seatRaceAcrossProcesses() async throws {
        try await withDatabase { path in
            // Issuing 1,000 tokens on a loaded PostgreSQL can outlast the default idle and presence
            // limits; the race, not expiry, is under test.
            let patient = ["--active-idle-seconds", "3600", "--presence-grace-seconds", "3600"]
            let servers = try await threeServers(path, arguments: ["--max-active", "2000"] + patient)
            var issued: [[String]] = []
            for (index, server) in servers.enumerated() {
                issued.append(try await issueTokens(port: server.port, count: index == 0 ? 334 : 333))
            }
            let tokens = issued
            let (concertID, date) = try await firstDate(WireCaller(port: servers[0].port, token: tokens[0][0]))
            let request = ReserveSeatRequest(concertID: concertID, date: date, seatNumber: 50)
            async let viaFirst = raceOverConnections(
                port: servers[0].port, ReservationService.reserveSeat, tokens[0].map { (request, $0) })
            async let viaSecond = raceOverConnections(
                port: servers[1].port, ReservationService.reserveSeat, tokens[1].map { (request, $0) })
            async let viaThird = raceOverConnections(
                port: servers[2].port, ReservationService.reserveSeat, tokens[2].map { (request, $0) })
            let results = try await viaFirst + viaSecond + viaThird
            #expect(results.filter { (try? $0.get()) != nil }.count == 1)
            #expect(failureReasons(results) == ["SEAT_ALREADY_HELD": 999])
            for server in servers { await server.stop() }
            let report = try await audit(path)
            #expect(report.isHealthy, "\(report.violations)")
            #expect(report.liveHolds == 1)
        }
    }

    @Test("three processes on one database: 100 charges of 1,000 to one user land exactly")
    func chargesAcrossProcesses() async throws {
        try await withDatabase { path in
            let servers = try await threeServers(path)
            let (fan, _) = try await fan(servers[0].port)
            let charge = (ChargeBalanceRequest(amount: 1000), fan.token)
            async let viaFirst = raceOverConnections(
                port: servers[0].port, PaymentService.chargeBalance, Array(repeating: charge, count: 34))
            async let viaSecond = raceOverConnections(
                port: servers[1].port, PaymentService.chargeBalance, Array(repeating: charge, count: 33))
            async let viaThird = raceOverConnections(
                port: servers[2].port, PaymentService.chargeBalance, Array(repeating: charge, count: 33))
            let results = try await viaFirst + viaSecond + viaThird
            #expect(results.allSatisfy { (try? $0.get()) != nil })
            #expect(try await WireCaller(port: servers[1].port, token: fan.token).getBalance(GetBalanceRequest()).balance == 100_000)
            for server in servers { await server.stop() }
            let report = try await audit(path)
            #expect(report.isHealthy, "\(report.violations)")
            #expect(report.totalBalances == 100_000)
        }
    }

    @Test("the server's admission job gives an expired token's place to the next in line")
    func admissionJobRefills() async throws {
        try await withDatabase { path in
            let server = try await ServerProcess(database: path, arguments: ["--max-active", "1", "--active-seconds", "1"])
            let (first, issuedFirst) = try await fan(server.port)
            let (second, issuedSecond) = try await fan(server.port)
            #expect(issuedFirst.status?.state == .active)
            #expect(issuedSecond.status?.state == .waiting)
            var state = issuedSecond.status?.state
            for _ in 0..<100 where state != .active {
                try await Task.sleep(for: .milliseconds(100))
                state = try await second.getQueueStatus(GetQueueStatusRequest()).status?.state
            }
            #expect(state == .active)
            #expect(try await first.getQueueStatus(GetQueueStatusRequest()).status?.state == .expired)
            await server.stop()
        }
    }

    @Test("SIGTERM stops the server gracefully with exit status 0")
    func gracefulExit() async throws {
        try await withDatabase { path in
            let server = try await ServerProcess(database: path)
            #expect(await server.stop(signal: SIGTERM) == 0)
        }
    }

    @Test("SIGKILL during a storm of charges and payments loses no acknowledged change")
    func crashLosesNothingAcknowledged() async throws {
        try await withDatabase { path in
            let server = try await ServerProcess(database: path, arguments: ["--max-active", "1000"])
            let port = server.port
            let (chargers, payers) = try await CrashStorm.participants(port: port)
            let storm = CrashStorm(port: port, pid: server.pid, chargers: chargers, payers: payers)
            let acknowledged = try await onThread { try storm.run(rounds: 500, killAfter: 100) }
            await server.stop(signal: SIGKILL)
            #expect(acknowledged.charges.count + acknowledged.payments.count >= 100)

            let restarted = try await ServerProcess(database: path, arguments: ["--max-active", "1000"])
            try await CrashStorm.expectNothingLost(acknowledged, port: restarted.port)
            await restarted.stop()
            let report = try await audit(path)
            #expect(report.isHealthy, "\(report.violations)")
        }
    }

    @Test("two processes on one database: one pre-queue placed once at opening, FIFO after it, never more than N active")
    func preQueueAcrossProcesses() async throws {
        try await withDatabase { path in
            let catalogPath = FileManager.default.temporaryDirectory
                .appendingPathComponent("concert-catalog-\(UUID().uuidString).json").path
            defer { try? FileManager.default.removeItem(atPath: catalogPath) }
            let sale = Catalog.ConcertEntry(
                id: 60, title: "Shared Opening", artist: "Two Servers", venue: "Hall",
                dates: [Catalog.DateEntry(date: "2027-10-01", startsAt: "2027-10-01T19:00:00Z", price: 1_000)],
                sale: Catalog.SaleEntry(opensInSeconds: 20, maxActive: 3, preQueueSeconds: 600))
            try JSONEncoder().encode(Catalog(concerts: [sale])).write(to: URL(fileURLWithPath: catalogPath))
            let first = try await ServerProcess(database: path, arguments: ["--catalog", catalogPath])
            let second = try await ServerProcess(database: path, arguments: ["--catalog", catalogPath])
            let ports = [first.port, second.port]
            var early: [String] = []
            for index in 0..<20 {
                let issued = try await WireCaller(port: ports[index % 2])
                    .issueToken(userID: UUID().uuidString.lowercased(), concertID: 60)
                #expect(issued.status?.state == .preQueue)
                early.append(issued.token)
            }
            func status(_ token: String, via port: Int) async throws -> ConcertProtocol.QueueStatus? {
                try await WireCaller(port: port, token: token).getQueueStatus(GetQueueStatusRequest()).status
            }
            var placed = false
            for _ in 0..<600 where !placed {
                try await Task.sleep(for: .milliseconds(50))
                let last = try await status(early[19], via: first.port)?.state
                let firstArrival = try await status(early[0], via: second.port)?.state
                placed = last != .preQueue && firstArrival != .preQueue
            }
            #expect(placed, "the pre-queue was not placed after opening")
            var late: [String] = []
            for index in 0..<6 {
                late.append(
                    try await WireCaller(port: ports[index % 2])
                        .issueToken(userID: UUID().uuidString.lowercased(), concertID: 60).token)
            }
            var positions: [Int: UInt64] = [:]
            var active = 0
            for (index, token) in early.enumerated() {
                let viaFirst = try await status(token, via: first.port)
                let viaSecond = try await status(token, via: second.port)
                #expect(viaFirst?.position == viaSecond?.position, "the two processes disagree on a place")
                if viaFirst?.state == .active { active += 1 } else { positions[index] = viaFirst?.position }
            }
            #expect(active == 3)
            #expect(positions.values.sorted() == Array(1...17))
            var latePositions: [UInt64] = []
            for (index, token) in late.enumerated() {
                latePositions.append(try await status(token, via: ports[(index + 1) % 2])?.position ?? 0)
            }
            #expect(latePositions == Array(18...23))
            await first.stop()
            await second.stop()
            let report = try await audit(path)
            #expect(report.isHealthy, "\(report.violations)")
        }
    }

    private func withDatabase(_ body: (String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("concert-processes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try TestDatabase.fresh(in: folder)
        defer { TestDatabase.remove(database) }
        try await body(database)
    }

    /// Three servers on `database`, started one after another (the first migrates a new database).
    private func threeServers(_ database: String, arguments: [String] = []) async throws -> [ServerProcess] {
        var servers: [ServerProcess] = []
        for _ in 0..<3 { servers.append(try await ServerProcess(database: database, arguments: arguments)) }
        return servers
    }
}
