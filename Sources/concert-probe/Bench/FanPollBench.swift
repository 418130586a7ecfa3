import ConcertClient
import ConcertProtocol
import Foundation

/// The sale-day traffic that nothing batches: every fan on a connection of its own, polling
/// `GetQueueStatus` once per period at a random phase, so the server sees a steady trickle of
/// lone requests on many idle connections.
struct FanPollBench {
    /// What to run.
    struct Plan: Sendable {
        /// How many fans (and connections).
        var fans: Int
        /// How long each fan waits between polls.
        var period: Duration
        /// How long to record.
        var duration: Duration
        /// How long to poll before recording.
        var warmup: Duration
        /// The sale the fans queue for.
        var concertID: Int64
        /// The server process to sample for CPU and memory, when known.
        var serverPID: Int32?
    }

    /// What the run observed.
    struct Result: Sendable {
        /// The plan that ran.
        var plan: Plan
        /// The polls recorded.
        var polls: MethodStats
        /// How long recording lasted.
        var elapsed: Duration
        /// The server before the fans connected, when sampled.
        var serverIdle: ProcessSample?
        /// The server at the start and end of recording, when sampled.
        var serverRecording: (start: ProcessSample, end: ProcessSample)?
    }

    let plan: Plan
    let connect: @Sendable () async throws(ProbeFailure) -> ConcertClient

    /// Connects every fan, issues each a token, polls for the warm-up and the duration, and closes.
    func run() async throws(ProbeFailure) -> Result {
        let serverIdle = plan.serverPID.flatMap(ProcessSample.of)
        let fans = try await FanConnections.open(count: plan.fans, concertID: plan.concertID, connect: connect).map(\.client)
        let recorder = StatsRecorder()
        let clock = ContinuousClock()
        let recordFrom = clock.now + plan.warmup
        let stopAt = recordFrom + plan.duration
        var start: ProcessSample?
        await withTaskGroup(of: Void.self) { group in
            for fan in fans {
                group.addTask { await poll(fan, recorder: recorder, recordFrom: recordFrom, stopAt: stopAt) }
            }
            try? await Task.sleep(until: recordFrom)
            start = plan.serverPID.flatMap(ProcessSample.of)
            await group.waitForAll()
        }
        let end = plan.serverPID.flatMap(ProcessSample.of)
        for fan in fans { await fan.close() }
        return Result(
            plan: plan, polls: recorder.snapshot["status"] ?? MethodStats(), elapsed: plan.duration,
            serverIdle: serverIdle, serverRecording: start.flatMap { start in end.map { (start, $0) } })
    }

    /// Polls every period from a random phase until `stopAt`, recording the polls after `recordFrom`.
    private func poll(
        _ fan: ConcertClient, recorder: StatsRecorder, recordFrom: ContinuousClock.Instant,
        stopAt: ContinuousClock.Instant
    ) async {
        let clock = ContinuousClock()
        var next = clock.now + plan.period * Double.random(in: 0..<1)
        while next < stopAt {
            try? await Task.sleep(until: next)
            let started = clock.now
            var failure: RPCError?
            do {
                _ = try await fan.getQueueStatus()
            } catch {
                failure = error
            }
            if started >= recordFrom {
                recorder.record(
                    "status", latency: clock.now - started, error: failure,
                    second: Int((started - recordFrom).milliseconds / 1000))
            }
            next += plan.period
        }
    }
}
