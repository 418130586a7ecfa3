import ConcertDomain
import ConcertProtocol
import ConcertTesting
import Foundation
import Synchronization
import Testing

/// Three `concert-server` processes on one PostgreSQL database keep the line's order and its limit,
/// and a restart of PostgreSQL during a storm is answered UNAVAILABLE, recovered from without restarting
/// the servers, and loses nothing acknowledged. Runs in the PostgreSQL pass (`tools/test-postgres`).
@Suite("Servers on one PostgreSQL", .serialized, .enabled(if: TestDatabase.isPostgres))
struct PostgresClusterTests {
    @Test("2,000 IssueToken calls split across three servers get positions exactly 1…2,000")
    func positionsAcrossServers() async throws {
        try await withServers(count: 3, arguments: ["--max-active", "0"]) { servers, _ in
            let calls = (0..<2_000).map { _ in (IssueTokenRequest(userID: UUID().uuidString, concertID: 1), String?.none) }
            async let viaFirst = pipelineOverConnections(
                port: servers[0].port, connections: 8, AuthService.issueToken, Array(calls[..<667]))
            async let viaSecond = pipelineOverConnections(
                port: servers[1].port, connections: 8, AuthService.issueToken, Array(calls[667..<1_334]))
            async let viaThird = pipelineOverConnections(
                port: servers[2].port, connections: 8, AuthService.issueToken, Array(calls[1_334...]))
            let issued = try await (viaFirst + viaSecond + viaThird).map { try $0.get() }
            #expect(issued.compactMap { $0.status?.position }.sorted() == (1...2_000).map(UInt64.init))
            #expect(issued.allSatisfy { $0.status?.state == .waiting })
        }
    }

    @Test("three servers all running admission never have more than N fans active")
    func admissionAcrossServers() async throws {
        let maxActive = 25
        let arguments = ["--max-active", "\(maxActive)", "--active-seconds", "2"]
        try await withServers(count: 3, arguments: arguments) { servers, database in
            for server in servers { _ = try await issueTokens(port: server.port, count: 100) }
            var sawAdmission = false
            for round in 0..<40 {
                let line = try await WireCaller(port: servers[round % 3].port).getSaleLine(concertID: 1)
                #expect(line.active <= UInt64(maxActive), "more than N active: \(line.active)")
                sawAdmission = sawAdmission || line.admittedLastMinute > UInt64(maxActive)
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(sawAdmission, "the servers admitted no one after the first tokens expired")
            for server in servers { await server.stop() }
            let report = try await audit(database, maxActive: maxActive)
            #expect(report.isHealthy, "\(report.violations)")
        }
    }

    @Test("PostgreSQL restarted during a storm: UNAVAILABLE meanwhile, recovery without a restart, nothing acknowledged lost")
    func databaseRestartDuringStorm() async throws {
        let cluster = try #require(ProcessInfo.processInfo.environment["CONCERT_TEST_POSTGRES_CLUSTER"])
        try await withServers(count: 1, arguments: ["--max-active", "1000"]) { servers, database in
            let port = servers[0].port
            let (chargers, payers) = try await CrashStorm.participants(port: port)
            let restart = ClusterRestart(cluster: cluster)
            let storm = CrashStorm(port: port, chargers: chargers, payers: payers) { restart.begin() }
            // 3,000 charges: PostgreSQL stops while most are still queued, and the storm does not
            // outlast the restart by minutes (a debug server commits a few hundred a second).
            let outcome = try await onThread { try storm.run(rounds: 150, killAfter: 100) }
            try restart.finish()
            #expect(outcome.charges.count + outcome.payments.count >= 100)
            #expect(outcome.unavailable > 0, "no call was answered UNAVAILABLE while PostgreSQL restarted")

            // Recovered means writes commit again: reads reconnect on their own connections, and the
            // writer may still be between its reconnection attempts when the first read succeeds.
            let caller = WireCaller(port: port, token: chargers[0])
            let recovery = ChargeBalanceRequest(amount: 100, idempotencyKey: "after-restart")
            var recovered = false
            for _ in 0..<120 where !recovered {
                recovered = (try? await caller.chargeBalance(recovery)) != nil
                if !recovered { try await Task.sleep(for: .milliseconds(500)) }
            }
            #expect(recovered, "the server did not recover after PostgreSQL came back")
            try await CrashStorm.expectNothingLost(outcome, port: port)
            await servers[0].stop()
            let report = try await audit(database)
            #expect(report.isHealthy, "\(report.violations)")
        }
    }

    @Test("a watcher on one server sees its position fall, never rise, as the fans ahead leave through another, down to 1")
    func positionsFallAcrossServers() async throws {
        try await withServers(count: 2, arguments: ["--max-active", "0"]) { servers, _ in
            var ahead: [String] = []
            for _ in 0..<20 { ahead += try await issueTokens(port: servers[0].port, count: 1) }
            let watcher = try await issueTokens(port: servers[1].port, count: 1)[0]
            let connection = try await watch(port: servers[1].port, token: watcher)
            for token in ahead.shuffled() {
                _ = try await WireCaller(port: servers[0].port, token: token).leaveQueue()
            }
            var positions: [UInt64] = []
            while positions.last != 1 {
                let frame = try #require(try await onThread { try connection.readResponse() }, "the watch ended")
                #expect(frame.streamMessage, "\(frame)")
                guard frame.streamMessage else { break }
                positions.append(try #require(try WatchQueueResponse(serializedBytes: frame.payload).status?.position))
            }
            #expect(positions.first == 21)
            #expect(positions == positions.sorted(by: >), "a position rose: \(positions)")
        }
    }

    @Test("a watcher on one server is told ACTIVE, without asking, when its fan is admitted by a leave through another")
    func activeReachesAWatcherAcrossServers() async throws {
        try await withServers(count: 2, arguments: ["--max-active", "1"]) { servers, _ in
            let blocker = try await issueTokens(port: servers[0].port, count: 1)[0]
            let watcher = try await issueTokens(port: servers[1].port, count: 1)[0]
            let connection = try await watch(port: servers[1].port, token: watcher)
            let first = try #require(try await onThread { try connection.readResponse() }, "the watch ended")
            #expect(try WatchQueueResponse(serializedBytes: first.payload).status?.position == 1)
            let left = ContinuousClock.now
            _ = try await WireCaller(port: servers[0].port, token: blocker).leaveQueue()
            var state: ConcertProtocol.TokenState?
            while state != .active, ContinuousClock.now - left < .seconds(10) {
                let frame = try #require(try await onThread { try connection.readResponse() }, "the watch ended")
                #expect(frame.streamMessage, "\(frame)")
                guard frame.streamMessage else { break }
                state = try WatchQueueResponse(serializedBytes: frame.payload).status?.state
            }
            #expect(state == .active, "no ACTIVE within 10 s of the leave")
            print("ACTIVE reached the watcher on the other server \(ContinuousClock.now - left) after the leave")
        }
    }

    @Test("PostgreSQL stopped (SIGSTOP) for 4 s: statuses are refused LINE_VIEW_BEHIND rather than answered from a stale view, Health says NOT_SERVING, and the view catches up after")
    func stalledDatabase() async throws {
        let cluster = try #require(ProcessInfo.processInfo.environment["CONCERT_TEST_POSTGRES_CLUSTER"])
        try await withServers(count: 1, arguments: ["--max-active", "1"]) { servers, _ in
            let port = servers[0].port
            let first = try await issueTokens(port: port, count: 1)[0]
            let second = try await issueTokens(port: port, count: 1)[0]
            let waiting = WireCaller(port: port, token: second)
            #expect(try await waiting.getQueueStatus().status?.position == 1)

            let stall = try ClusterStall(cluster: cluster)
            stall.stop()
            defer { stall.resume() }
            var refused = 0
            let end = ContinuousClock.now + .seconds(4)
            while ContinuousClock.now < end {
                do {
                    _ = try await waiting.getQueueStatus(timeout: .seconds(20))
                } catch let error as RPCError {
                    #expect(error.reason == "LINE_VIEW_BEHIND", "\(error)")
                    refused += 1
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let health = try await WireCaller(port: port).health()
            stall.resume()
            #expect(refused > 0, "no status was refused while PostgreSQL was stopped")
            #expect(health.status == .notServing)

            var caughtUp = false
            for _ in 0..<100 where !caughtUp {
                caughtUp = (try? await waiting.getQueueStatus())?.status?.position == 1
                if !caughtUp { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(caughtUp, "the view did not catch up after PostgreSQL continued")
            _ = try await WireCaller(port: port, token: first).leaveQueue()
            #expect(try await waiting.getQueueStatus().status?.state == .active)
            #expect(try await WireCaller(port: port).health().status == .serving)
        }
    }

    /// Runs `body` with `count` servers started one after another on a new PostgreSQL database.
    /// A connection to the server on `port` that has asked to watch `token`'s place (nothing read yet).
    private func watch(port: Int, token: String) async throws -> RawConnection {
        let connection = try RawConnection(port: port)
        let watch = RequestEnvelope(
            id: 1, method: QueueService.watchQueue.descriptor.path,
            metadata: [MetadataEntry(key: MetadataKey.queueToken, value: token)], payload: [])
        try await onThread { try connection.sendFrame(watch) }
        return connection
    }

    private func withServers(
        count: Int, arguments: [String], _ body: ([ServerProcess], String) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("concert-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try TestDatabase.fresh(in: folder)
        defer { TestDatabase.remove(database) }
        var servers: [ServerProcess] = []
        for _ in 0..<count { servers.append(try await ServerProcess(database: database, arguments: arguments)) }
        try await body(servers, database)
        for server in servers { await server.stop() }
    }
}

/// `tools/postgres-cluster restart` of the test cluster, run on a thread of its own (so the storm goes
/// on while PostgreSQL stops and starts) and waited for afterwards. (Foundation's `Process` is not used:
/// its `waitUntilExit` can miss the exit when called from a task.)
private final class ClusterRestart: Sendable {
    private let command: String
    private let done = DispatchSemaphore(value: 0)
    private let status = Mutex<Int32?>(nil)
    private let started = Mutex(false)

    /// A restart of the cluster in folder `cluster`.
    init(cluster: String) {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        command = "'\(root.appendingPathComponent("tools/postgres-cluster").path)' restart '\(cluster)' >/dev/null 2>&1"
    }

    /// Starts the restart once.
    func begin() {
        guard started.withLock({ started in
            defer { started = true }
            return !started
        }) else { return }
        let thread = Thread { [self] in
            status.withLock { $0 = system(command) }
            done.signal()
        }
        thread.start()
    }

    /// Waits for the restart to end; throws when it failed or never began.
    func finish() throws {
        guard started.withLock({ $0 }) else { throw CocoaError(.executableNotLoadable) }
        done.wait()
        guard status.withLock({ $0 }) == 0 else { throw CocoaError(.executableLoad) }
    }
}

/// Stops every process of the test cluster with SIGSTOP and continues them with SIGCONT: PostgreSQL
/// neither answers nor closes its connections meanwhile, as when its host stalls.
private struct ClusterStall {
    private let pids: [pid_t]

    /// The postmaster of the cluster in folder `cluster` and its children, as they run now.
    init(cluster: String) throws {
        let lines = try String(contentsOfFile: cluster + "/data/postmaster.pid", encoding: .utf8).split(separator: "\n")
        let postmaster = try #require(lines.first.flatMap { pid_t(String($0)) })
        let children = try Command.run(["/usr/bin/pgrep", "-P", "\(postmaster)"]).split(separator: "\n")
        pids = [postmaster] + children.compactMap { pid_t(String($0)) }
    }

    /// Stops them all.
    func stop() {
        for pid in pids { kill(pid, SIGSTOP) }
    }

    /// Continues them all; idempotent.
    func resume() {
        for pid in pids { kill(pid, SIGCONT) }
    }
}
