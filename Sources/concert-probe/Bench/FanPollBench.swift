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
        let fans = try await connectFans()
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

    /// One client per fan, each holding a token for the sale, connected a few hundred at a time.
    private func connectFans() async throws(ProbeFailure) -> [ConcertClient] {
        var fans: [ConcertClient] = []
        fans.reserveCapacity(plan.fans)
        let connect = self.connect
        let concertID = plan.concertID
        for batchStart in stride(from: 0, to: plan.fans, by: 256) {
            let count = min(256, plan.fans - batchStart)
            let batch = await withTaskGroup(of: Swift.Result<ConcertClient, ProbeFailure>.self) { group in
                for _ in 0..<count {
                    group.addTask {
                        do throws(ProbeFailure) {
                            let client = try await connect()
                            let issued = try await answer { () throws(RPCError) in
                                try await client.issueToken(userID: UUID().uuidString.lowercased(), concertID: concertID)
                            }
                            client.setToken(issued.token)
                            return .success(client)
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for outcome in batch {
                switch outcome {
                case .success(let client): fans.append(client)
                case .failure(let error):
                    for fan in fans { await fan.close() }
                    throw error
                }
            }
        }
        return fans
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
            if started >= recordFrom { recorder.record("status", latency: clock.now - started, error: failure) }
            next += plan.period
        }
    }
}
