import ConcertClient
import ConcertProtocol

/// The mixed-load benchmark: C connections × K fans in flight per connection, each fan
/// drawing operations from the mix back to back; only calls started after the warm-up and
/// before the end are recorded.
struct MixBench {
    /// The benchmark's shape.
    struct Plan: Sendable {
        /// C: how many connections.
        var connections: Int
        /// K: how many fans keep a call in flight on each connection.
        var inFlight: Int
        /// How long to record.
        var duration: Duration
        /// How long to run before recording.
        var warmup: Duration
        /// The operations and their weights.
        var mix: BenchMix
        /// The concert whose sale the fans wait for and buy in.
        var concertID: Int64
    }

    /// What the benchmark measured.
    struct Result: Sendable {
        /// The plan that ran.
        let plan: Plan
        /// How many fans there were, and how many were ACTIVE when the run began.
        let fans: Int, activeFans: Int
        /// How many concert dates with free seats the fans reserved on.
        let targets: Int
        /// The recorded statistics by method name.
        let methods: [String: MethodStats]
    }

    /// The benchmark to run.
    let plan: Plan

    /// Issues the fans' tokens, finds the concert's dates, runs the fans over `clients`, then
    /// releases every fan's place (LeaveQueue) so the benchmark leaves no one in line.
    func run(clients: [ConcertClient]) async throws(RPCError) -> Result {
        let fans = try await FanIdentity.issuePool(
            count: plan.connections * plan.inFlight, concertID: plan.concertID, clients: clients)
        let targets = try await BenchTarget.discover(concertID: plan.concertID, with: fans[0].caller)
        let recorders = clients.map { _ in StatsRecorder() }
        let start = ContinuousClock.now
        let recordFrom = start + plan.warmup
        let end = recordFrom + plan.duration
        let mix = plan.mix
        await withTaskGroup(of: Void.self) { group in
            for (index, identity) in fans.enumerated() {
                let recorder = recorders[index % recorders.count]
                group.addTask {
                    var fan = BenchFan(identity: identity, targets: targets)
                    var generator = SplitMix64()
                    while true {
                        let started = ContinuousClock.now
                        guard started < end else {
                            await fan.identity.leave()
                            return
                        }
                        let outcome = await fan.perform(mix.draw(using: &generator))
                        if started >= recordFrom {
                            recorder.record(outcome.method, latency: outcome.latency, error: outcome.error)
                        }
                    }
                }
            }
        }
        return Result(
            plan: plan, fans: fans.count, activeFans: fans.filter { $0.state == .active }.count,
            targets: targets.count, methods: StatsRecorder.merged(recorders))
    }
}
