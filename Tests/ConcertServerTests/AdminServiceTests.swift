import ConcertClient
import ConcertDomain
import ConcertProtocol
import ConcertServer
import ConcertTesting
import Foundation
import JWTKit
import Testing

/// Operators change a running sale through AdminService: each method's effect, the change it logs, its bad
/// input, and the credentials it takes and refuses. Time moves only with the test's clock, and admission runs
/// when the test calls it.
@Suite("Admin service")
struct AdminServiceTests {
    static let secret = "an operator secret for the tests"
    static let jwtSecret = Array("a shared secret of at least thirty-two bytes".utf8)

    @Test("GetSaleStats reports the line, the settings and the servers; ListSaleStats every sale")
    func stats() async throws {
        try await withAdminServer(maxActive: 2) { server, admin, clock in
            let fans = try await joinFans(server, count: 5)
            _ = try await server.application.store.admitWaiting()
            clock.advance(byMilliseconds: 1_000)
            _ = try await WireCaller(port: server.port, token: fans[4]).leaveQueue()
            let stats = try #require(try await admin.getSaleStats(concertID: 1).stats)
            #expect(stats.sale?.maxActive == 2)
            #expect(stats.active == 2)
            #expect(stats.waiting == 2)
            #expect(stats.admitted == 2)
            #expect(stats.admittedLastMinute == 2)
            #expect(stats.dropped == 1)
            #expect(stats.left == 1)
            #expect(stats.paid == 0)
            #expect(stats.oldestWaitingMs == 1_000)
            #expect(stats.timeToEmptyKnown)
            #expect(stats.servers.count == 1)
            #expect(stats.atUnixMs == clock.now())
            let all = try await admin.listSaleStats().sales
            #expect(all.map { $0.sale?.concertID } == [1, 2, 3])
            await expectFailure(.notFound, .concertNotFound) { try await admin.getSaleStats(concertID: 99) }
            await expectFailure(.invalidArgument, .invalidConcertID) { try await admin.getSaleStats(concertID: 0) }
        }
    }

    @Test("UpdateSale changes what it is given, keeps the rest, logs each change and admits into new room")
    func updateSale() async throws {
        try await withAdminServer(maxActive: 1) { server, admin, clock in
            let fans = try await joinFans(server, count: 4)
            _ = try await server.application.store.admitWaiting()
            #expect(try await state(server, fans[1]) == .waiting)
            let updated = try await admin.updateSale(
                UpdateSaleRequest(concertID: 1, maxActive: SettingValue(value: 3), activeIdleMs: SettingValue(value: 60_000)))
            #expect(updated.sale?.maxActive == 3)
            #expect(updated.sale?.activeIdleMs == 60_000)
            #expect(updated.sale?.activeLifetimeMs == QueuePolicy().activeLifetimeMs)
            #expect(updated.changes.map(\.what) == ["max_active", "active_idle_ms"])
            #expect(updated.changes.first.map { [$0.oldValue, $0.newValue, $0.madeBy] } == ["1", "3", "admin-secret"])
            #expect(try await state(server, fans[1]) == .active)
            #expect(try await state(server, fans[2]) == .active)
            #expect(try await state(server, fans[3]) == .waiting)

            let lowered = try await admin.updateSale(UpdateSaleRequest(concertID: 1, maxActive: SettingValue(value: 1)))
            #expect(lowered.sale?.maxActive == 1)
            clock.advance(byMilliseconds: 1_000)
            _ = try await server.application.store.admitWaiting()
            #expect(try await state(server, fans[0]) == .active, "nobody active is expelled")
            #expect(try await state(server, fans[3]) == .waiting, "nobody is admitted above the lowered N")

            let logged = try await admin.listSaleChanges(concertID: 1, limit: 0).changes
            #expect(logged.map(\.what) == ["max_active", "active_idle_ms", "max_active"])
            #expect(logged.map(\.id) == logged.map(\.id).sorted(by: >))
            let unchanged = try await admin.updateSale(UpdateSaleRequest(concertID: 1))
            #expect(unchanged.changes.isEmpty)
            #expect(unchanged.sale?.maxActive == 1)
        }
    }

    @Test("UpdateSale refuses bad settings by name and changes nothing")
    func updateSaleBadInput() async throws {
        try await withAdminServer(maxActive: 1) { server, admin, clock in
            let now = clock.now()
            let refusals: [(UpdateSaleRequest, StatusCode, ErrorReason, String)] = [
                (UpdateSaleRequest(concertID: 1, maxActive: SettingValue(value: -1)), .invalidArgument, .invalidSaleSetting, "max_active"),
                (UpdateSaleRequest(concertID: 1, admissionIntervalMs: SettingValue(value: 0)), .invalidArgument, .invalidSaleSetting, "admission_interval_ms"),
                (UpdateSaleRequest(concertID: 1, activeLifetimeMs: SettingValue(value: -5)), .invalidArgument, .invalidSaleSetting, "active_lifetime_ms"),
                (UpdateSaleRequest(concertID: 1, activeLifetimeMs: SettingValue(value: .max)), .invalidArgument, .invalidSaleSetting, "active_lifetime_ms"),
                (UpdateSaleRequest(concertID: 1, closesAtUnixMs: SettingValue(value: .max)), .invalidArgument, .invalidSaleSetting, "closes_at_unix_ms"),
                (UpdateSaleRequest(concertID: 1, admissionsPerInterval: SettingValue(value: -2)), .invalidArgument, .invalidSaleSetting, "admissions_per_interval"),
                (UpdateSaleRequest(concertID: 1, closesAtUnixMs: SettingValue(value: now - 86_400_000)), .invalidArgument, .invalidSaleSetting, "closes_at_unix_ms"),
                (UpdateSaleRequest(concertID: 1, opensAtUnixMs: SettingValue(value: now + 60_000)), .failedPrecondition, .saleAlreadyOpen, "opened"),
                (UpdateSaleRequest(concertID: 2, opensAtUnixMs: SettingValue(value: now - 1)), .invalidArgument, .invalidSaleSetting, "opens_at_unix_ms"),
                (UpdateSaleRequest(concertID: 99, maxActive: SettingValue(value: 5)), .notFound, .concertNotFound, "99"),
                (UpdateSaleRequest(concertID: 1, maxActive: SettingValue(value: 9), activeIdleMs: SettingValue(value: 0)), .invalidArgument, .invalidSaleSetting, "active_idle_ms"),
            ]
            for (request, code, reason, named) in refusals {
                do {
                    _ = try await admin.updateSale(request)
                    Issue.record("expected \(reason.name) for \(request)")
                } catch let error as RPCError {
                    #expect(error.code == code)
                    #expect(error.reason == reason.name)
                    #expect(error.message.contains(named), "\(error.message)")
                }
            }
            let sale = try #require(try await admin.getSaleStats(concertID: 1).stats?.sale)
            #expect(sale.maxActive == 1, "a refused update changes nothing, not even its valid fields")
            #expect(try await admin.listSaleChanges(concertID: 1, limit: 0).changes.isEmpty)
            let moved = try await admin.updateSale(
                UpdateSaleRequest(concertID: 2, opensAtUnixMs: SettingValue(value: now + 3_600_000)))
            #expect(moved.sale?.opensAtUnixMs == now + 3_600_000)
            #expect(moved.sale?.preQueueOpensAtUnixMs == now + 3_600_000 - QueuePolicy().preQueueWindowMs)
        }
    }

    @Test("PauseAdmission stops admission, keeps the order, says paused in every status; resume admits")
    func pauseAndResume() async throws {
        try await withAdminServer(maxActive: 1) { server, admin, clock in
            let fans = try await joinFans(server, count: 3)
            _ = try await server.application.store.admitWaiting()
            let paused = try await admin.pauseAdmission(concertID: 1)
            #expect(paused.sale?.admissionPaused == true)
            _ = try await admin.pauseAdmission(concertID: 1)
            _ = try await WireCaller(port: server.port, token: fans[0]).leaveQueue()
            clock.advance(byMilliseconds: 1_000)
            _ = try await server.application.store.admitWaiting()
            let waiting = try #require(try await WireCaller(port: server.port, token: fans[1]).getQueueStatus().status)
            #expect(waiting.state == .waiting)
            #expect(waiting.position == 1)
            #expect(waiting.admissionPaused)
            #expect(!waiting.waitTimeKnown)
            let line = try #require(try await admin.getSaleStats(concertID: 1).stats)
            #expect(line.active == 0)
            #expect(!line.timeToEmptyKnown)
            let resumed = try await admin.resumeAdmission(concertID: 1)
            #expect(resumed.sale?.admissionPaused == false)
            let admitted = try #require(try await WireCaller(port: server.port, token: fans[1]).getQueueStatus().status)
            #expect(admitted.state == .active)
            #expect(!admitted.admissionPaused)
            #expect(try await state(server, fans[2]) == .waiting)
            let logged = try await admin.listSaleChanges(concertID: 1, limit: 0).changes
            #expect(logged.map { "\($0.what):\($0.newValue)" } == ["admission:admitting", "admission:paused"])
        }
    }

    @Test("a 1,000-fan line paused and resumed: nobody admitted while paused, order kept, every rule holds")
    func pauseUnderALine() async throws {
        try await withAdminServer(maxActive: 50) { server, admin, clock in
            let fans = try await joinFans(server, count: 1_000)
            _ = try await server.application.store.admitWaiting()
            _ = try await admin.pauseAdmission(concertID: 1)
            for (index, token) in fans.prefix(50).enumerated() where index % 2 == 0 {
                _ = try await WireCaller(port: server.port, token: token).leaveQueue()
            }
            for _ in 0..<5 {
                clock.advance(byMilliseconds: 1_000)
                _ = try await server.application.store.admitWaiting()
            }
            let during = try #require(try await admin.getSaleStats(concertID: 1).stats)
            #expect(during.active == 25)
            #expect(during.admitted == 50)
            let statuses = try await positions(server, fans[50...])
            #expect(statuses.map(\.position) == Array(1...950), "the line keeps its order while paused")
            #expect(statuses.allSatisfy { $0.admissionPaused })
            _ = try await admin.resumeAdmission(concertID: 1)
            #expect(try await admin.getSaleStats(concertID: 1).stats?.active == 50)
            #expect(try await positions(server, fans[75...]).map(\.position) == Array(1...925))
            let report = try await server.application.store.audit()
            #expect(report.isHealthy, "\(report.violations)")
        }
    }

    @Test("CloseSale refuses new fans, keeps the line admitting; closing before opening is refused")
    func closeSale() async throws {
        try await withAdminServer(maxActive: 1) { server, admin, clock in
            let fans = try await joinFans(server, count: 2)
            _ = try await server.application.store.admitWaiting()
            clock.advance(byMilliseconds: 1_000)
            let closed = try await admin.closeSale(concertID: 1)
            #expect(closed.sale?.state == .closed)
            #expect(closed.sale?.closesAtUnixMs == clock.now())
            clock.advance(byMilliseconds: 1)
            await expectFailure(.failedPrecondition, .saleClosed) {
                try await WireCaller(port: server.port).issueToken(userID: UUID().uuidString.lowercased(), concertID: 1)
            }
            _ = try await WireCaller(port: server.port, token: fans[0]).leaveQueue()
            _ = try await server.application.store.admitWaiting()
            #expect(try await state(server, fans[1]) == .active, "fans in line are still admitted after closing")
            _ = try await admin.closeSale(concertID: 1)
            #expect(try await admin.listSaleChanges(concertID: 1, limit: 0).changes.map(\.newValue) == ["closed"])
            await expectFailure(.failedPrecondition, .saleNotOpen) { try await admin.closeSale(concertID: 2) }
        }
    }

    @Test("RevokeToken ends a waiting or active token at once, frees its slot and holds, ends its watch")
    func revokeToken() async throws {
        try await withAdminServer(maxActive: 1) { server, admin, clock in
            let users = (0..<3).map { _ in UUID() }
            let fans = try await joinFans(server, users: users)
            _ = try await server.application.store.admitWaiting()
            let active = WireCaller(port: server.port, token: fans[0])
            let (concert, date) = try await firstDate(active)
            let hold = try #require(try await active.reserveSeat(concertID: concert, date: date, seatNumber: 7).reservation)

            let client = try await server.clients.client(port: server.port)
            let watch = client.caller(token: fans[1]).watchQueue()
            var updates = watch.makeAsyncIterator()
            #expect(try await updates.next()?.status?.state == .waiting)

            let byToken = try await admin.revokeToken(
                RevokeTokenRequest(token: fans[0], reason: "bot wave"))
            #expect(byToken.revoked)
            #expect(byToken.status?.state == .revoked)
            #expect(byToken.holdsReleased == 1)
            clock.advance(byMilliseconds: 1)
            await expectFailure(.unauthenticated, .tokenRevoked) {
                try await active.reserveSeat(concertID: concert, date: date, seatNumber: 8)
            }
            await expectFailure(.unauthenticated, .tokenRevoked) {
                try await active.waitUntilActive(pollInterval: .milliseconds(1))
            }
            let seats = try await WireCaller(port: server.port, token: fans[1]).listAvailableSeats(concertID: concert, date: date)
            #expect(hold.seatNumber == 7)
            #expect(seats.seats.first { $0.number == 7 }?.free == true, "the revoked fan's hold is released")
            #expect(try await state(server, fans[1]) == .active, "the revoked slot goes to the next fan")

            let byUser = try await admin.revokeToken(
                RevokeTokenRequest(userID: users[1].uuidString.lowercased(), concertID: 1, reason: ""))
            #expect(byUser.revoked)
            clock.advance(byMilliseconds: 1_000)
            await server.application.lookAtWatchers()
            var ended: (any Error)?
            do {
                while try await updates.next() != nil {}
            } catch {
                ended = error
            }
            #expect((ended as? RPCError)?.reason == ErrorReason.tokenRevoked.name, "\(String(describing: ended))")

            let again = try await admin.revokeToken(RevokeTokenRequest(token: fans[0]))
            #expect(!again.revoked)
            let logged = try await admin.listSaleChanges(concertID: 1, limit: 0).changes
            #expect(logged.map(\.what) == ["token", "token"])
            #expect(logged.last?.newValue == "revoked: bot wave")
            await expectFailure(.invalidArgument, .tokenNotNamed) { try await admin.revokeToken(RevokeTokenRequest()) }
            await expectFailure(.unauthenticated, .tokenUnknown) {
                try await admin.revokeToken(RevokeTokenRequest(userID: UUID().uuidString.lowercased(), concertID: 1))
            }
            await expectFailure(.invalidArgument, .invalidUserID) {
                try await admin.revokeToken(RevokeTokenRequest(userID: "not-a-uuid", concertID: 1))
            }
            let reissued = try await WireCaller(port: server.port).issueToken(
                userID: users[0].uuidString.lowercased(), concertID: 1)
            #expect(reissued.token != fans[0], "a revoked fan may queue again, at the back")
            clock.advance(byMilliseconds: 1)
            let report = try await server.application.store.audit()
            #expect(report.isHealthy, "\(report.violations)")
        }
    }

    @Test("ReloadCatalog serves the concerts and dates added to the file, and leaves a running sale alone")
    func reloadCatalog() async throws {
        let first = Catalog(concerts: [
            .init(id: 1, title: "First", artist: "A", venue: "V", dates: [.init(date: "2027-03-06", startsAt: "2027-03-06T19:00:00+09:00", price: 100)],
                  sale: .init(maxActive: 1))
        ])
        try await withAdminServer(maxActive: 1, catalog: first) { server, admin, _ in
            var grown = first
            grown.concerts[0].dates.append(.init(date: "2027-03-07", startsAt: "2027-03-07T19:00:00+09:00", price: 100))
            grown.concerts[0].sale = .init(maxActive: 40)
            grown.concerts.append(
                .init(id: 7, title: "Added", artist: "B", venue: "W", dates: [.init(date: "2027-04-01", startsAt: "2027-04-01T19:00:00+09:00", price: 5)]))
            try JSONEncoder().encode(grown).write(to: server.directory.appendingPathComponent("catalog.json"))
            let added = try await admin.reloadCatalog()
            #expect(added.concertsAdded == [7])
            #expect(added.datesAdded == 2)
            let concerts = try await WireCaller(port: server.port).listConcerts().concerts
            #expect(concerts.map(\.id) == [1, 7])
            #expect(concerts.first?.sale?.maxActive == 1, "a running sale changes only through UpdateSale")
            let dates = try server.application.store.availableDates(concertID: 1)
            #expect(dates.map(\.date) == ["2027-03-06", "2027-03-07"])
            #expect(try await admin.listSaleChanges(concertID: 7, limit: 0).changes.map(\.newValue) == [
                "date 2027-04-01 added", "concert added",
            ])
            try Data("{ not json".utf8).write(to: server.directory.appendingPathComponent("catalog.json"))
            await expectFailure(.invalidArgument, .invalidCatalog) { try await admin.reloadCatalog() }
            var backwards = grown
            backwards.concerts.append(
                .init(id: 8, title: "Backwards", artist: "C", venue: "X", dates: grown.concerts[1].dates,
                      sale: .init(opensInSeconds: 100, closesInSeconds: 50)))
            try JSONEncoder().encode(backwards).write(to: server.directory.appendingPathComponent("catalog.json"))
            await expectFailure(.invalidArgument, .invalidCatalog) { try await admin.reloadCatalog() }
            #expect(try await WireCaller(port: server.port).listConcerts().concerts.map(\.id) == [1, 7])
        }
    }

    @Test(
        "no credential, a wrong one or a fan's JWT is refused; an operator JWT and the secret are taken",
        .enabled(if: !TestDatabase.isPostgres, "credentials touch no database: the SQLite pass covers them"))
    func credentials() async throws {
        let keys = JWTKeys(hs256Secret: Self.jwtSecret)
        let server = try await LiveServer.start(
            backgroundJobs: false, userAuthentication: .jwt(keys), adminSecret: Self.secret)
        do {
            let refusals: [(String?, StatusCode, ErrorReason)] = [
                (nil, .unauthenticated, .operatorCredentialMissing),
                (Self.secret, .unauthenticated, .operatorCredentialMissing),
                ("Bearer ", .unauthenticated, .operatorCredentialMissing),
                ("Bearer not the secret", .unauthenticated, .operatorCredentialInvalid),
                ("Bearer \(Self.secret)x", .unauthenticated, .operatorCredentialInvalid),
                ("Bearer \(try await Self.jwt(role: nil))", .unauthenticated, .operatorCredentialInvalid),
                ("Bearer \(try await Self.jwt(role: "fan"))", .unauthenticated, .operatorCredentialInvalid),
                ("Bearer \(try await Self.jwt(role: "operator", expiresIn: -300))", .unauthenticated, .operatorCredentialInvalid),
            ]
            for (authorization, code, reason) in refusals {
                let caller = try await adminCaller(server, authorization: authorization)
                await expectFailure(code, reason) { try await caller.pauseAdmission(concertID: 1) }
            }
            await expectFailure(.unauthenticated, .tokenMissing) {
                try await adminCaller(server, authorization: "Bearer \(Self.secret)").getQueueStatus()
            }
            #expect(try await adminCaller(server, authorization: nil).getSaleLine(concertID: 1).sale?.admissionPaused == false)
            let operatorJWT = try await adminCaller(server, authorization: "Bearer \(try await Self.jwt(role: "operator"))")
            _ = try await operatorJWT.pauseAdmission(concertID: 1)
            let bySecret = try await adminCaller(server, authorization: "Bearer \(Self.secret)")
            _ = try await bySecret.resumeAdmission(concertID: 1)
            let madeBy = try await bySecret.listSaleChanges(concertID: 1, limit: 0).changes.map(\.madeBy)
            #expect(madeBy == ["admin-secret", "jwt:ops@example.com"])
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("a fan's queue token is no operator credential, and an operator credential no queue token")
    func fanTokenIsNoCredential() async throws {
        try await withAdminServer(maxActive: 1) { server, admin, _ in
            let token = try await joinFans(server, count: 1)[0]
            let asBearer = try await adminCaller(server, authorization: "Bearer \(token)")
            await expectFailure(.unauthenticated, .operatorCredentialInvalid) { try await asBearer.getSaleStats(concertID: 1) }
            let client = try await server.clients.client(port: server.port)
            await expectFailure(.unauthenticated, .operatorCredentialMissing) {
                try await client.caller(token: token).getSaleStats(concertID: 1)
            }
            await expectFailure(.unauthenticated, .tokenMissing) { try await admin.getQueueStatus() }
            await expectFailure(.unauthenticated, .tokenMissing) { try await admin.getBalance() }
        }
    }

    @Test("with no operator credential configured, AdminService is off")
    func adminOff() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let caller = try await adminCaller(server, authorization: "Bearer anything at all")
            await expectFailure(.permissionDenied, .adminDisabled) { try await caller.getSaleStats(concertID: 1) }
        }
    }

    @Test("a change made through one server reaches a second server on the same database within a second")
    func changeReachesOtherServer() async throws {
        try await withAdminServer(maxActive: 1, clock: SystemClock()) { first, admin, _ in
            let second = try await LiveServer.start(
                backgroundJobs: true, directory: first.directory, databasePath: first.databasePath,
                queue: QueuePolicy(maxActive: 1), adminSecret: Self.secret)
            do {
                let fans = try await joinFans(second, count: 2)
                let watcher = WireCaller(port: second.port, token: fans[1])
                #expect(try await watcher.getQueueStatus().status?.admissionPaused == false)
                _ = try await admin.pauseAdmission(concertID: 1)
                let paused = ContinuousClock.now
                while try await watcher.getQueueStatus().status?.admissionPaused != true {
                    #expect(ContinuousClock.now - paused < .seconds(1), "the pause reached the other server late")
                    if ContinuousClock.now - paused > .seconds(5) { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                let raised = try await adminCaller(second, authorization: "Bearer \(Self.secret)")
                    .getSaleStats(concertID: 1).stats?.sale
                #expect(raised?.admissionPaused == true)
            } catch {
                await second.stop(keepingFiles: true)
                throw error
            }
            await second.stop(keepingFiles: true)
        }
    }

    // MARK: - Helpers

    /// Runs `body` with a server whose AdminService takes ``secret`` (demo catalog unless `catalog`), an
    /// operator's caller, and the server's clock (a manual one at ``testEpoch`` unless given).
    private func withAdminServer(
        maxActive: Int, catalog: Catalog? = nil, clock: (any ConcertClock)? = nil,
        _ body: (LiveServer, OptionsScopedCaller, ManualClock) async throws -> Void
    ) async throws {
        let manual = ManualClock(now: testEpoch)
        let server = try await LiveServer.start(
            backgroundJobs: clock != nil, queue: QueuePolicy(maxActive: maxActive), clock: clock ?? manual,
            catalog: catalog, adminSecret: Self.secret)
        do {
            let admin = try await adminCaller(server, authorization: "Bearer \(Self.secret)")
            try await body(server, admin, manual)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    private func adminCaller(_ server: LiveServer, authorization: String?) async throws -> OptionsScopedCaller {
        let client = try await server.clients.client(port: server.port)
        return client.withOptions(
            CallOptions(metadata: authorization.map { [MetadataEntry(key: MetadataKey.authorization, value: $0)] } ?? []))
    }

    private func joinFans(_ server: LiveServer, count: Int) async throws -> [String] {
        try await joinFans(server, users: (0..<count).map { _ in UUID() })
    }

    /// The fans of `users` joined concert 1's line, in that order, over one connection; their tokens.
    private func joinFans(_ server: LiveServer, users: [UUID]) async throws -> [String] {
        let caller = try await server.clients.client(port: server.port).caller(token: nil)
        var tokens: [String] = []
        for user in users {
            tokens.append(try await caller.issueToken(userID: user.uuidString.lowercased(), concertID: 1).token)
        }
        return tokens
    }

    private func state(_ server: LiveServer, _ token: String) async throws -> ConcertProtocol.TokenState? {
        try await server.clients.client(port: server.port).caller(token: token).getQueueStatus().status?.state
    }

    private func positions(_ server: LiveServer, _ tokens: ArraySlice<String>) async throws -> [ConcertProtocol.QueueStatus] {
        let client = try await server.clients.client(port: server.port)
        var statuses: [ConcertProtocol.QueueStatus] = []
        for token in tokens {
            statuses.append(try #require(try await client.caller(token: token).getQueueStatus().status))
        }
        return statuses
    }

    private static func jwt(role: String?, expiresIn: TimeInterval = 300) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: jwtSecret), digestAlgorithm: .sha256)
        return try await keys.sign(
            OperatorTestClaims(
                sub: SubjectClaim(value: role == nil ? UUID().uuidString.lowercased() : "ops@example.com"),
                exp: ExpirationClaim(value: Date().addingTimeInterval(expiresIn)), role: role))
    }
}

/// The claims of the test's JWTs: a fan's (no role) or an operator's.
private struct OperatorTestClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var role: String?

    func verify(using algorithm: some JWTAlgorithm) throws {}
}
