import ConcertProtocol
import ConcertTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Three `concert-server` processes and PostgreSQL on separate hosts (network namespaces joined by a
/// bridge, with no route out) behind haproxy (TCP, round robin, health checks): one fan's consecutive
/// calls land on different servers; the line, the seat race and the charge sums hold; a server killed
/// with SIGKILL mid-storm is taken out by the balancer with nothing acknowledged lost. Runs as root in
/// the PostgreSQL pass (`tools/test-postgres`), on a PostgreSQL cluster of its own in the `db` host.
/// Calls a server answers UNAVAILABLE (STORE_BUSY when a lock waits too long on a loaded machine) are
/// sent again, as a real client would.
@Suite("Many hosts", .serialized, .enabled(if: ManyHosts.isPossible))
struct ManyHostsTests {
    /// N: of 2N fans in line, N are ACTIVE (the seat race's racers) and N wait.
    private static let maxActive = 200
    /// Fans charging during the SIGKILL storm, one connection each.
    private static let stormChargers = 12

    @Test("servers on separate hosts behind haproxy: calls spread, every rule holds, a SIGKILLed server loses nothing")
    func serversBehindBalancer() async throws {
        try await ManyHostsDeployment.run(serverArguments: ["--max-active", "\(Self.maxActive)"]) { deployment in
            let active = try await lineHoldsAcrossServers(deployment)
            try await oneRacerWinsTheSeat(deployment, racers: active)
            try await chargesAddUp(deployment, fan: active[0])
            try await consecutiveCallsMoveBetweenServers(deployment)
            let stormed = try await killedServerLosesNothing(
                deployment, chargers: Array(active[1...Self.stormChargers]), fan: active[Self.stormChargers + 1])

            let exits = await deployment.stopServers()
            #expect(exits == [.app1: 0, .app3: 0], "the surviving servers did not stop cleanly")
            await deployment.balancerProcess.stop()
            let report = try await audit(deployment.databaseURL, maxActive: Self.maxActive)
            #expect(report.violations == [])
            #expect(report.totalCharged >= 100_000 + 1_000 + stormed, "acknowledged money is missing")
            #expect(report.liveHolds <= 1)
        }
    }

    /// 2N fans take tokens for concert 1 over six connections through the balancer (two to each server);
    /// asked afterwards over four connections (so most are asked on another server than the issuer),
    /// exactly N are ACTIVE and the others wait at positions exactly 1…N. Returns the ACTIVE tokens.
    private func lineHoldsAcrossServers(_ deployment: ManyHostsDeployment) async throws -> [String] {
        let host = deployment.balancerAddress
        let port = ManyHostsDeployment.balancerPort
        let issues = (0..<(2 * Self.maxActive)).map { _ in
            (IssueTokenRequest(userID: UUID().uuidString, concertID: 1), String?.none)
        }
        let tokens = try await retryingEach(issues) {
            try await pipelineOverConnections(host: host, port: port, connections: 6, AuthService.issueToken, $0)
        }.map { try $0.get().token }
        let statuses = try await retryingEach(tokens.map { (GetQueueStatusRequest(), $0) }) {
            try await pipelineOverConnections(host: host, port: port, connections: 4, QueueService.getQueueStatus, $0)
        }.map { try #require(try $0.get().status) }
        let waiting = statuses.filter { $0.state == .waiting }
        #expect(statuses.filter { $0.state == .active }.count == Self.maxActive)
        #expect(waiting.map(\.position).sorted() == Array(1...UInt64(Self.maxActive)))
        return zip(tokens, statuses).filter { $0.1.state == .active }.map(\.0)
    }

    /// The ACTIVE fans race for one seat, each on its own connection through the balancer: exactly one
    /// holds it, every other is told SEAT_ALREADY_HELD.
    private func oneRacerWinsTheSeat(_ deployment: ManyHostsDeployment, racers: [String]) async throws {
        let (concertID, date) = try await retrying { try await firstDate(deployment.caller(token: racers[0])) }
        let request = ReserveSeatRequest(concertID: concertID, date: date, seatNumber: 50)
        let results = try await retryingEach(racers.map { (request, $0) }) {
            try await raceOverConnections(
                host: deployment.balancerAddress, port: ManyHostsDeployment.balancerPort, ReservationService.reserveSeat, $0)
        }
        #expect(results.filter { (try? $0.get()) != nil }.count == 1)
        #expect(failureReasons(results) == ["SEAT_ALREADY_HELD": racers.count - 1])
    }

    /// 100 charges of 1,000 for one fan at once (each with its own idempotency key, so a retry cannot apply
    /// twice), each on its own connection through the balancer, all succeed and the balance is exactly 100,000.
    private func chargesAddUp(_ deployment: ManyHostsDeployment, fan: String) async throws {
        let charges = (0..<100).map { (ChargeBalanceRequest(amount: 1_000, idempotencyKey: "add-up-\($0)"), fan) }
        let results = try await retryingEach(charges) {
            try await raceOverConnections(
                host: deployment.balancerAddress, port: ManyHostsDeployment.balancerPort, PaymentService.chargeBalance, $0)
        }
        #expect(failureReasons(results) == [:])
        let balance = try await retrying { try await deployment.caller(token: fan).getBalance(GetBalanceRequest()) }
        #expect(balance.balance == 100_000)
    }

    /// A new fan makes six calls, each on a new connection, reading haproxy's per-server session counts
    /// around each: consecutive calls land on different servers, all three serve the fan, and each accepts
    /// the token another issued. The line is full, so the fan waits, never further back from call to call.
    private func consecutiveCallsMoveBetweenServers(_ deployment: ManyHostsDeployment) async throws {
        var servedBy: [String?] = []
        let issued = try await tracked(deployment, &servedBy) {
            try await deployment.caller().issueToken(userID: UUID().uuidString, concertID: 1)
        }
        let fan = deployment.caller(token: issued.token)
        func position() async throws -> UInt64 {
            let status = try #require(try await tracked(deployment, &servedBy) { try await fan.getQueueStatus().status })
            #expect(status.state == .waiting)
            return status.position
        }
        var positions = [try await position()]
        _ = try await tracked(deployment, &servedBy) {
            try await fan.chargeBalance(amount: 1_000, idempotencyKey: "spread")
        }
        let balance = try await tracked(deployment, &servedBy) { try await fan.getBalance(GetBalanceRequest()) }
        #expect(balance.balance == 1_000)
        positions += [try await position(), try await position()]
        #expect(!servedBy.contains(nil), "a call's server could not be told from haproxy's counts: \(servedBy)")
        #expect(zip(servedBy, servedBy.dropFirst()).allSatisfy { $0 != $1 }, "\(servedBy)")
        #expect(Set(servedBy.compactMap { $0 }) == Set(Host.apps.map(\.rawValue)))
        #expect(positions == positions.sorted(by: >), "a waiting fan moved back: \(positions)")
    }

    /// The result of `call`, sent again while a real client would retry it, each attempt's server (as
    /// ``ManyHostsDeployment/servingServer(of:)`` tells it) appended to `servedBy`.
    private func tracked<T>(
        _ deployment: ManyHostsDeployment, _ servedBy: inout [String?], _ call: () async throws -> T
    ) async throws -> T {
        for _ in 1..<20 {
            let (server, result) = try await deployment.servingServer(of: call)
            servedBy.append(server)
            guard case .failure(let error as RPCError) = result, isRetryable(error) else { return try result.get() }
            try await Task.sleep(for: .milliseconds(100))
        }
        let (server, result) = try await deployment.servingServer(of: call)
        servedBy.append(server)
        return try result.get()
    }

    /// Pipelined idempotent charges over `chargers.count` connections through the balancer; after 300
    /// acknowledgements the `app2` server is killed with SIGKILL. From that moment, while the storm goes on,
    /// a fan charges on a new connection each time until haproxy's checks mark `app2` DOWN; after that 30
    /// more charges all succeed and none reaches `app2`. Every acknowledged charge, replayed with its key,
    /// answers `replayed` with its charge id. Returns the sum of the acknowledged charges.
    private func killedServerLosesNothing(
        _ deployment: ManyHostsDeployment, chargers: [String], fan token: String
    ) async throws -> Int64 {
        let victim = try #require(deployment.servers[.app2])
        let pid = victim.pid
        let killed = Gate()
        let storm = BalancedStorm(
            host: deployment.balancerAddress, port: ManyHostsDeployment.balancerPort, chargers: chargers,
            rounds: 250, killAfter: 300
        ) {
            kill(pid, SIGKILL)
            killed.open()
        }
        let fan = deployment.caller(token: token)
        async let duringTakeOut = chargeUntilTakenOut(deployment, fan: fan, after: killed)
        let outcome: BalancedStorm.Outcome
        do {
            outcome = try await storm.run()
        } catch {
            killed.open()
            throw error
        }
        killed.open()  // also when the storm ended short of the kill, so the fan does not wait forever
        var acknowledged = try await outcome.acknowledged + duringTakeOut
        #expect(
            outcome.acknowledged.count >= 300,
            "the storm ended before the kill: \(outcome.acknowledged.count) acknowledged, \(outcome.notAcknowledged) not")
        #expect(await victim.stop(signal: SIGKILL) == 128 + SIGKILL, "app2 was not killed by SIGKILL")
        acknowledged += try await chargeAfterTakenOut(deployment, fan: fan)

        let replays = try await retryingEach(
            acknowledged.map { (ChargeBalanceRequest(amount: $0.amount, idempotencyKey: $0.key), $0.token) }
        ) {
            try await pipelineOverConnections(
                host: deployment.balancerAddress, port: ManyHostsDeployment.balancerPort, connections: 8,
                PaymentService.chargeBalance, $0)
        }
        let lost = zip(acknowledged, replays).filter { charge, replay in
            guard let receipt = try? replay.get() else { return true }
            return !receipt.replayed || receipt.chargeID != charge.chargeID
        }
        #expect(lost.isEmpty, "\(lost.count) acknowledged charges lost, e.g. \(lost.prefix(3).map(\.0.key))")
        return acknowledged.reduce(0) { $0 + $1.amount }
    }

    /// Once `killed` opens, charges 100 on a new connection each, ~10 a second, until haproxy marks `app2`
    /// DOWN; returns the charges acknowledged meanwhile (a call that fails was not acknowledged).
    private func chargeUntilTakenOut(
        _ deployment: ManyHostsDeployment, fan: WireCaller, after killed: Gate
    ) async throws -> [BalancedStorm.Charge] {
        await killed.wait()
        var acknowledged: [BalancedStorm.Charge] = []
        for attempt in 0..<600 {
            let key = "until-down-\(attempt)"
            if let receipt = try? await fan.chargeBalance(amount: 100, idempotencyKey: key) {
                acknowledged.append(.init(token: fan.token ?? "", key: key, amount: 100, chargeID: receipt.chargeID))
            }
            let balancer = deployment.balancer
            if try await onThread({ try balancer.servers() })["app2"]?.status.hasPrefix("DOWN") == true {
                return acknowledged
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("haproxy never took the killed server out")
        return acknowledged
    }

    /// With `app2` DOWN, 30 charges on new connections all succeed (a busy store's UNAVAILABLE is retried,
    /// a failed connection is not), and haproxy sends none of them to `app2`.
    private func chargeAfterTakenOut(
        _ deployment: ManyHostsDeployment, fan: WireCaller
    ) async throws -> [BalancedStorm.Charge] {
        let balancer = deployment.balancer
        let before = try await onThread { try balancer.servers() }
        var acknowledged: [BalancedStorm.Charge] = []
        for attempt in 0..<30 {
            let key = "after-down-\(attempt)"
            let receipt = try await retrying { try await fan.chargeBalance(amount: 100, idempotencyKey: key) }
            acknowledged.append(.init(token: fan.token ?? "", key: key, amount: 100, chargeID: receipt.chargeID))
        }
        let after = try await onThread { try balancer.servers() }
        #expect(after["app2"]?.sessions == before["app2"]?.sessions, "haproxy still sent calls to the dead server")
        return acknowledged
    }
}
