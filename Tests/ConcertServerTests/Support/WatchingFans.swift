import ConcertClient
import ConcertProtocol
import Foundation
import Synchronization

/// Fans who join the line of concert 1 and wait in the streaming `waitUntilActive` through a few
/// ``ConcertClient``s (many fans share each connection, with ``TokenScopedCaller``), recording what each
/// saw: its waiting positions, the error that ended its wait, and how long after its admission it was
/// told (the admission instant is the ACTIVE status's expiry less the servers' `--active-seconds`). A fan
/// who is told it is ACTIVE hands its caller to the `admitted` action (the buying storm).
final class WatchingFans: Sendable {
    /// What one fan saw.
    struct Sighting: Sendable {
        /// The positions of its WAITING statuses, in order.
        var positions: [UInt64] = []
        /// The error that ended its wait.
        var error: RPCError?
        /// How long after its admission it was told (nil: not admitted yet, or ACTIVE from its join on).
        var toldAfterMs: Int64?
        /// Whether it was told it is ACTIVE.
        var admitted = false
        /// How long before its ACTIVE status its last WAITING one arrived.
        var lastWaitingBeforeMs: Int64?
    }

    private let clients: [ConcertClient]
    private let activeLifetimeMs: Int64
    private let sightings = Mutex<[Int: Sighting]>([:])
    private let tasks = Mutex<[Task<Void, Never>]>([])

    /// `connections` clients of the balancer at `port`, for servers whose tokens stay ACTIVE `activeSeconds`.
    init(port: Int, connections: Int, activeSeconds: Int64) async throws {
        var clients: [ConcertClient] = []
        for _ in 0..<connections { clients.append(try await ConcertClient.connect(port: port)) }
        self.clients = clients
        activeLifetimeMs = activeSeconds * 1_000
    }

    /// `count` fans join, `concurrency` at a time, and each waits for its admission at once, then runs
    /// `admitted` with its caller. A fan ACTIVE from its join runs `admitted` at once.
    func join(
        count: Int, concurrency: Int = 64, admitted: @escaping @Sendable (TokenScopedCaller) async -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                if index >= concurrency { try await group.next() }
                group.addTask { try await self.joinOne(index, admitted: admitted) }
            }
            try await group.waitForAll()
        }
    }

    private func joinOne(_ index: Int, admitted: @escaping @Sendable (TokenScopedCaller) async -> Void) async throws {
        let client = clients[index % clients.count]
        let issued = try await client.caller(token: nil).issueToken(
            userID: UUID().uuidString.lowercased(), concertID: 1)
        let caller = client.caller(token: issued.token)
        sightings.withLock { $0[index] = Sighting() }
        let task = Task {
            if issued.status?.state == .active {
                sightings.withLock { $0[index]?.admitted = true }
                await admitted(caller)
                return
            }
            do throws(RPCError) {
                let active = try await caller.waitUntilActive { status in
                    guard status.state == .waiting else { return }
                    let now = Self.nowMs()
                    self.sightings.withLock {
                        $0[index]?.positions.append(status.position)
                        $0[index]?.lastWaitingBeforeMs = now
                    }
                }
                let now = Self.nowMs()
                let toldAfter = now - (active.expiresAtUnixMs - activeLifetimeMs)
                sightings.withLock { sightings in
                    guard var sighting = sightings[index] else { return }
                    sighting.admitted = true
                    sighting.toldAfterMs = toldAfter
                    sighting.lastWaitingBeforeMs = sighting.lastWaitingBeforeMs.map { now - $0 }
                    sightings[index] = sighting
                }
                await admitted(caller)
            } catch {
                sightings.withLock { $0[index]?.error = error }
            }
        }
        tasks.withLock { $0.append(task) }
    }

    /// How many fans were told they are ACTIVE.
    var admittedCount: Int { sightings.withLock { $0.values.filter(\.admitted).count } }

    /// How many fans were told they are ACTIVE or saw their wait end with an error.
    var settledCount: Int { sightings.withLock { $0.values.filter { $0.admitted || $0.error != nil }.count } }

    /// How many fans joined.
    var count: Int { sightings.withLock { $0.count } }

    /// Waits until `condition` holds for the fans (checked every 50 ms), at most `limit`; whether it held.
    func wait(upTo limit: Duration, until condition: (WatchingFans) -> Bool) async throws -> Bool {
        let end = ContinuousClock.now + limit
        while !condition(self) {
            guard ContinuousClock.now < end else { return false }
            try await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    /// Waits until every fan's wait and action ended.
    func finish() async {
        for task in tasks.withLock({ $0 }) { await task.value }
    }

    /// What went wrong for the fans: an error, a waiting position that grew, a fan not admitted, and,
    /// with `toldWithinMs`, an admission told later than that.
    func problems(toldWithinMs: Int64? = nil) -> [String] {
        var problems: [String] = []
        for (index, sighting) in sightings.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            if let error = sighting.error { problems.append("fan \(index): \(error)") }
            if sighting.positions != sighting.positions.sorted(by: >) {
                problems.append("fan \(index) moved back: \(sighting.positions)")
            }
            if !sighting.admitted, sighting.error == nil { problems.append("fan \(index) was never admitted") }
            if let toldWithinMs, let told = sighting.toldAfterMs, told > toldWithinMs {
                problems.append(
                    "fan \(index) was told \(told) ms after its admission (its last WAITING status, at position "
                        + "\(sighting.positions.last ?? 0), came \(sighting.lastWaitingBeforeMs ?? -1) ms before)")
            }
        }
        return problems
    }

    /// Closes the clients.
    func close() async {
        for client in clients { await client.close(immediately: true) }
    }

    private static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1_000).rounded()) }
}
