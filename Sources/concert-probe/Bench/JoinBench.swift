import ConcertClient
import ConcertProtocol
import Foundation
import Synchronization

/// The opening rush: N new fans join one sale (`IssueToken` for a fresh user id each, so every call is a new
/// place in line, unlike the mix's `issue`, which re-fetches a fan's own token), K calls in flight on each of
/// C connections, as fast as the server takes them.
struct JoinBench {
    /// What to run.
    struct Plan: Sendable {
        /// N: how many fans join.
        var joins: Int
        /// K: calls in flight on each connection.
        var inFlight: Int
        /// The sale the fans join.
        var concertID: Int64
        /// The server process to sample for CPU, when known.
        var serverPID: Int32?
    }

    /// What the run observed.
    struct Result: Sendable {
        /// The plan that ran.
        var plan: Plan
        /// The connections used.
        var connections: Int
        /// The joins' latencies and outcomes.
        var joins: MethodStats
        /// How long the joins took.
        var elapsed: Duration
        /// The server's CPU and memory before and after, when sampled.
        var server: (start: ProcessSample, end: ProcessSample)?
        /// The position each WAITING answer gave, in no order.
        var positions: [UInt64]
        /// How many answers were ACTIVE (admitted at once).
        var admitted: Int
    }

    let plan: Plan

    /// Joins N fans over `clients` and collects what each join answered.
    func run(clients: [ConcertClient]) async -> Result {
        let next = Tickets()
        let start = plan.serverPID.flatMap(ProcessSample.of)
        let stopwatch = Stopwatch()
        let lanes = await withTaskGroup(of: Lane.self) { group in
            for client in clients {
                for _ in 0..<plan.inFlight {
                    group.addTask { await join(on: client, next: next) }
                }
            }
            return await group.reduce(into: [Lane]()) { $0.append($1) }
        }
        let elapsed = stopwatch.elapsed
        let end = plan.serverPID.flatMap(ProcessSample.of)
        var joins = MethodStats()
        for lane in lanes { joins.merge(lane.stats) }
        return Result(
            plan: plan, connections: clients.count, joins: joins, elapsed: elapsed,
            server: start.flatMap { start in end.map { (start, $0) } }, positions: lanes.flatMap(\.positions),
            admitted: lanes.map(\.admitted).reduce(0, +))
    }

    /// Numbers the joins across lanes: 0, 1, 2, …
    private final class Tickets: Sendable {
        private let taken = Atomic<Int>(0)

        /// The next number.
        func take() -> Int { taken.add(1, ordering: .relaxed).oldValue }
    }

    /// What one lane of calls in flight saw.
    private struct Lane: Sendable {
        var stats = MethodStats()
        var positions: [UInt64] = []
        var admitted = 0
    }

    /// Joins fans one after another on `client` until N have been started across all lanes.
    private func join(on client: ConcertClient, next: Tickets) async -> Lane {
        var lane = Lane()
        let caller = client.caller(token: nil)
        while next.take() < plan.joins {
            let stopwatch = Stopwatch()
            do {
                let issued = try await caller.issueToken(userID: UUID().uuidString.lowercased(), concertID: plan.concertID)
                lane.stats.record(stopwatch.elapsed, error: nil)
                switch issued.status?.state {
                case .waiting: lane.positions.append(issued.status?.position ?? 0)
                case .active: lane.admitted += 1
                default: break
                }
            } catch {
                lane.stats.record(stopwatch.elapsed, error: error)
            }
        }
        return lane
    }
}
