import ConcertClient
import ConcertProtocol

/// The mixed-load benchmark: C connections × K fans in flight per connection, each fan drawing
/// operations from the mix, back to back (closed loop) or when the target rate makes the next call
/// due (open loop); only calls due after the warm-up are recorded, until the duration or the count
/// runs out.
struct MixBench {
    /// The benchmark's shape.
    struct Plan: Sendable {
        /// C: how many connections.
        var connections: Int
        /// K: how many fans keep a call in flight on each connection.
        var inFlight: Int
        /// How long to record, or nil to stop only at `requests`.
        var duration: Duration?
        /// How many calls to record, or nil to stop only at the end of `duration`.
        var requests: Int?
        /// The target calls a second (open loop), or nil for as fast as the fans go (closed loop).
        var rate: Double?
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
        /// The recorded calls and errors per second.
        let timeline: Timeline
        /// From the end of the warm-up to the last recorded answer.
        let elapsed: Duration
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
        let schedule = CallSchedule(warmup: plan.warmup, duration: plan.duration, limit: plan.requests, rate: plan.rate)
        let progress = Task { await BenchProgress(recorders: recorders, recordFrom: schedule.recordFrom).run() }
        let mix = plan.mix
        let lastAnswer = await withTaskGroup(of: ContinuousClock.Instant?.self) { group in
            for (index, identity) in fans.enumerated() {
                let recorder = recorders[index % recorders.count]
                group.addTask {
                    var fan = BenchFan(identity: identity, targets: targets)
                    var generator = SplitMix64()
                    var lastAnswer: ContinuousClock.Instant?
                    while let slot = await schedule.next() {
                        let outcome = await fan.perform(mix.draw(using: &generator), dueAt: slot.intended)
                        guard slot.recorded else { continue }
                        let answered = ContinuousClock.now
                        lastAnswer = answered
                        recorder.record(
                            outcome.method, latency: outcome.latency, error: outcome.error,
                            second: Int((answered - schedule.recordFrom).milliseconds / 1000))
                    }
                    await fan.identity.leave()
                    return lastAnswer
                }
            }
            return await group.reduce(into: ContinuousClock.Instant?.none) { latest, answered in
                if let answered, latest.map({ answered > $0 }) ?? true { latest = answered }
            }
        }
        progress.cancel()
        await progress.value
        return Result(
            plan: plan, fans: fans.count, activeFans: fans.filter { $0.state == .active }.count,
            targets: targets.count, methods: StatsRecorder.merged(recorders),
            timeline: StatsRecorder.mergedTimeline(recorders),
            elapsed: lastAnswer.map { $0 - schedule.recordFrom } ?? .zero)
    }
}
