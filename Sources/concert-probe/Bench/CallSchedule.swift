import Synchronization

/// When the mixed benchmark's fans make their calls and which calls are recorded.
///
/// Closed loop (no rate): each fan calls again as soon as its last call is answered. Open loop (a
/// rate R): the i-th call is due at start + i / R whichever fan makes it, and its latency is counted
/// from that intended instant, so a stalled server delays the calls queued behind the stall and their
/// latencies show it (no coordinated omission). A count limit ends the run after that many recorded
/// calls; an end instant ends it when it passes.
final class CallSchedule: Sendable {
    /// One call a fan may make: when it was due and whether it counts.
    struct Slot: Sendable {
        /// The instant latency is counted from: the intended send time (open loop) or the start (closed loop).
        let intended: ContinuousClock.Instant
        /// Whether the call falls after the warm-up and is recorded.
        let recorded: Bool
    }

    /// When the run began.
    let start: ContinuousClock.Instant
    /// When recording begins (the end of the warm-up).
    let recordFrom: ContinuousClock.Instant
    /// When the run ends, or nil to end only by the count.
    let end: ContinuousClock.Instant?
    /// The most calls recorded, or nil for no limit.
    let limit: Int?
    /// The target calls a second for the open loop, or nil for the closed loop.
    let rate: Double?
    /// Calls handed out: recorded ones in the closed loop, all in the open loop.
    private let handedOut = Atomic<Int>(0)

    /// A schedule from now: `warmup`, then recording until `duration` (nil: no time limit) or `limit` calls.
    init(warmup: Duration, duration: Duration?, limit: Int?, rate: Double?) {
        let start = ContinuousClock.now
        self.start = start
        recordFrom = start + warmup
        end = duration.map { start + warmup + $0 }
        self.limit = limit
        self.rate = rate
    }

    /// The calls of the warm-up in the open loop, which come before the first recorded one.
    private var warmupCalls: Int {
        guard let rate else { return 0 }
        return Int(((recordFrom - start).milliseconds / 1000 * rate).rounded(.up))
    }

    /// The next call to make, after waiting for its intended instant in the open loop; nil when the run is over.
    func next() async -> Slot? {
        guard let rate else { return nextClosedLoop() }
        let index = handedOut.wrappingAdd(1, ordering: .relaxed).oldValue
        let intended = start + .nanoseconds(Int64((Double(index) / rate * 1e9).rounded()))
        let recordedIndex = index - warmupCalls
        if let limit, recordedIndex >= limit { return nil }
        if let end, intended >= end { return nil }
        try? await Task.sleep(until: intended, clock: .continuous)
        return Slot(intended: intended, recorded: recordedIndex >= 0)
    }

    /// The next call of the closed loop: due now, recorded after the warm-up while the count lasts.
    private func nextClosedLoop() -> Slot? {
        let now = ContinuousClock.now
        if let end, now >= end { return nil }
        guard now >= recordFrom else { return Slot(intended: now, recorded: false) }
        if let limit, handedOut.wrappingAdd(1, ordering: .relaxed).oldValue >= limit { return nil }
        return Slot(intended: now, recorded: true)
    }
}
