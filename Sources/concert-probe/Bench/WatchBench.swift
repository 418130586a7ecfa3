import ConcertClient
import ConcertProtocol
import Foundation
import Histogram
import Synchronization

/// Many fans watching their place (`WatchQueue`), each on a connection of its own, while a driver frees
/// active places at a steady rate: how long an admitted fan waits for the pushed ACTIVE, how many pushes
/// the server sends, and what the watchers cost it.
///
/// The sale's first `--max-active` fans are active at once and the rest wait at positions 1, 2, 3…; the
/// driver makes the active fans leave one by one, oldest first (a waiting fan once it saw ACTIVE), so
/// the k-th leave frees the place the fan at position k takes: its delay is from that leave's answer to
/// its pushed ACTIVE (admission included).
struct WatchBench {
    /// What to run.
    struct Plan: Sendable {
        /// How many watching fans (and connections).
        var watchers: Int
        /// How many active fans the driver makes leave per second.
        var rate: Double
        /// The longest the driver runs.
        var duration: Duration
        /// The sale the fans queue for.
        var concertID: Int64
        /// The server process to sample for CPU and memory, when known.
        var serverPID: Int32?
    }

    /// What the run observed.
    struct Result: Sendable {
        /// The plan that ran.
        var plan: Plan
        /// How long connecting and issuing took.
        var connectSeconds: Double
        /// How many waiting fans were admitted and saw ACTIVE.
        var admitted: Int
        /// Delays from an admission to its pushed ACTIVE, in microseconds.
        var delays: Histogram<UInt64>
        /// Stream messages received while the driver ran.
        var pushes: Int
        /// How long the driver ran.
        var driverSeconds: Double
        /// The server before the fans connected, while they all watched, and after the driver, when sampled.
        var server: (idle: ProcessSample, watching: ProcessSample, end: ProcessSample)?
    }

    /// One watching fan.
    private struct Watcher: Sendable {
        let client: ConcertClient
        let position: UInt64
        let active: Bool
    }

    /// What the watchers saw, counted from their tasks.
    private final class Tally: Sendable {
        /// Stream messages received.
        let pushes = Atomic<Int>(0)
        /// Watchers that received their first status.
        let watching = Atomic<Int>(0)
        /// When each waiting fan, by its starting position, saw ACTIVE.
        let activeAt = Mutex<[UInt64: ContinuousClock.Instant]>([:])
    }

    let plan: Plan
    let connect: @Sendable () async throws(ProbeFailure) -> ConcertClient

    /// Connects and watches every fan, drives the admissions, and closes.
    func run() async throws(ProbeFailure) -> Result {
        let idle = plan.serverPID.flatMap(ProcessSample.of)
        let started = ContinuousClock.now
        let watchers = try await FanConnections.open(count: plan.watchers, concertID: plan.concertID, connect: connect).map {
            Watcher(client: $0.client, position: $0.issued.status?.position ?? 0, active: $0.issued.status?.state == .active)
        }
        let connectSeconds = (ContinuousClock.now - started).milliseconds / 1000
        let waiting = watchers.filter { !$0.active }.sorted { $0.position < $1.position }
        let tally = Tally()
        let watchTasks = watchers.map { watcher in
            Task {
                var first = true
                for try await update in watcher.client.watchQueue() {
                    tally.pushes.add(1, ordering: .relaxed)
                    if first {
                        first = false
                        tally.watching.add(1, ordering: .relaxed)
                    }
                    if update.status?.state == .active, !watcher.active {
                        tally.activeAt.withLock { $0[watcher.position] = .now }
                        return
                    }
                }
            }
        }
        while tally.watching.load(ordering: .relaxed) < watchers.count {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let watching = plan.serverPID.flatMap(ProcessSample.of)
        let pushesBefore = tally.pushes.load(ordering: .relaxed)
        let driverStart = ContinuousClock.now
        var leaves: [ContinuousClock.Instant] = []
        var leaving = watchers.filter(\.active).map { (client: $0.client, position: UInt64?.none) }
            + waiting.map { (client: $0.client, position: Optional($0.position)) }
        let interval = Duration.seconds(1 / plan.rate)
        var next = driverStart
        driving: while leaves.count < waiting.count, !leaving.isEmpty {
            try? await Task.sleep(until: next)
            next += interval
            let fan = leaving.removeFirst()
            // A waiting fan leaves only once it is active, so every leave frees a place.
            while let position = fan.position, tally.activeAt.withLock({ $0[position] }) == nil {
                guard ContinuousClock.now - driverStart < plan.duration else { break driving }
                try? await Task.sleep(for: .milliseconds(5))
            }
            _ = try? await fan.client.leaveQueue()
            leaves.append(.now)
        }
        let driverSeconds = (ContinuousClock.now - driverStart).milliseconds / 1000
        try? await Task.sleep(for: .seconds(2))
        let pushed = tally.pushes.load(ordering: .relaxed) - pushesBefore
        let end = plan.serverPID.flatMap(ProcessSample.of)
        for task in watchTasks { task.cancel() }
        for watcher in watchers { await watcher.client.close() }
        var delays = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
        let seen = tally.activeAt.withLock { $0 }
        for (index, leave) in leaves.enumerated() where index < waiting.count {
            if let active = seen[waiting[index].position] {
                delays.record(UInt64(max(1, ((active - leave).milliseconds * 1000).rounded())))
            }
        }
        var server: (ProcessSample, ProcessSample, ProcessSample)?
        if let idle, let watching, let end { server = (idle, watching, end) }
        return Result(
            plan: plan, connectSeconds: connectSeconds, admitted: Int(delays.totalCount), delays: delays, pushes: pushed,
            driverSeconds: driverSeconds, server: server)
    }
}
