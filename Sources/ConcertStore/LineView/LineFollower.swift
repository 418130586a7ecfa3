import ConcertDomain
import Foundation
import Synchronization

/// Keeps a ``LineView`` up to date: a refresh (one read transaction: every sale, the change feed since the
/// last one, the tokens asked about, the seats of the dates it keeps and those asked about) at least every
/// ``periodNs``, and at once when a question waits for one.
/// One refresh runs at a time; the questions that arrive meanwhile wait for the next, which starts as soon as
/// this one ends, so under load one transaction answers many questions.
///
/// A question waits at most ``LineView/boundNs`` for a refresh that is late (the database is slow or gone):
/// then it is answered UNAVAILABLE / LINE_VIEW_BEHIND rather than from a stale view. A refresh that fails
/// fails the questions it was to answer with its error and makes the view start over.
final class LineFollower: Sendable {
    /// What a refresh is told: whether it is light (the feed, the tokens and the dates asked for only), where
    /// the view has read the feed to (nil: start over), the tokens and the dates whose seats to read, and the
    /// stamp it records (see ``LineView/Refresh``).
    typealias Reader = @Sendable (
        _ light: Bool, _ position: Int64?, _ tokens: [String], _ seatMaps: [LineView.SeatMapKey],
        _ generation: UInt64, _ beganNs: UInt64
    ) -> StoreRead<LineView.Refresh>

    /// How often the view is refreshed when nobody waits: every 200 ms, while it is asked.
    static let periodNs: UInt64 = 200_000_000
    /// How long after the last question the view keeps refreshing every period: 2 s. A server nobody asks
    /// sends the database nothing; the first question after such a pause waits for one refresh.
    static let keepWarmNs: UInt64 = 2_000_000_000

    private struct Waiter {
        let generation: UInt64
        let token: String?
        let seatMap: LineView.SeatMapKey?
        let sinceNs: UInt64
        let done: @Sendable (Result<Void, any Error>) -> Void
    }

    private struct Running {
        let light: Bool
        let beganNs: UInt64
        let generation: UInt64
        let tokens: Set<String>
        let seatMaps: Set<LineView.SeatMapKey>
    }

    private struct State {
        var waiting: [Waiter] = []
        var running: Running?
        var lastFullNs: UInt64 = 0
        var lastFailed = false
        var started = false
        var stopped = false
    }

    private let view: LineView
    private let clock: any ConcertClock
    private let reader: Reader
    private let state = Mutex(State())
    private let metrics = LineViewMetrics()
    private let lastAskedNs = Atomic<UInt64>(0)
    private let ended = DispatchSemaphore(value: 0)

    /// A follower that refreshes `view` with `reader`, whose figures are for `clock`'s time; call ``start()``.
    init(view: LineView, clock: any ConcertClock, reader: @escaping Reader) {
        self.view = view
        self.clock = clock
        self.reader = reader
    }

    /// Launches the thread that refreshes the view every ``periodNs`` and times out late questions.
    func start() {
        state.withLock { $0.started = true }
        let thread = Thread { [self] in
            var ticks = 0
            while !state.withLock({ $0.stopped }) {
                Thread.sleep(forTimeInterval: 0.02)
                let nowNs = DispatchTime.now().uptimeNanoseconds
                tick(nowNs: nowNs)
                ticks += 1
                if ticks % 10 == 0, let age = view.ageNs(at: nowNs) { metrics.recordAge(ns: age) }
            }
            ended.signal()
        }
        thread.name = "ConcertStore.line-follower"
        thread.start()
    }

    /// Stops refreshing and fails the questions still waiting with STORE_BUSY; idempotent.
    func stop() {
        let (first, started, waiting) = state.withLock { state in
            defer {
                state.stopped = true
                state.waiting = []
            }
            return (!state.stopped, state.started, state.waiting)
        }
        guard first else { return }
        if started { ended.wait() }
        for waiter in waiting {
            waiter.done(.failure(ConcertError(.storeBusy, "The store is shutting down; try again shortly.")))
        }
    }

    /// Whether the view is behind: its last refresh failed, or the one running began more than
    /// ``LineView/boundNs`` ago. A view nobody asked lately is not behind, only asleep.
    var isBehind: Bool {
        let nowNs = DispatchTime.now().uptimeNanoseconds
        return state.withLock { state in
            state.lastFailed || state.running.map { nowNs &- $0.beganNs > LineView.boundNs } ?? false
        }
    }

    /// Records that the view was asked a question at `nowNs` (uptime ns), which keeps it refreshing.
    func noteAsked(at nowNs: UInt64) {
        lastAskedNs.store(nowNs, ordering: .relaxed)
    }

    /// Calls `done` once a refresh has brought the view up to local commit `generation` (and has read `token`
    /// and the seats of `seatMap` when given), or with the reason it could not.
    func whenFresh(
        generation: UInt64, token: String?, seatMap: LineView.SeatMapKey? = nil,
        done: @escaping @Sendable (Result<Void, any Error>) -> Void
    ) {
        let refused = state.withLock { state -> Bool in
            guard !state.stopped else { return true }
            state.waiting.append(
                Waiter(
                    generation: generation, token: token, seatMap: seatMap, sinceNs: DispatchTime.now().uptimeNanoseconds,
                    done: done))
            return false
        }
        if refused {
            done(.failure(ConcertError(.storeBusy, "The store is shutting down; try again shortly.")))
            return
        }
        startIfIdle(due: true)
    }

    private func tick(nowNs: UInt64) {
        let late = state.withLock { state -> [Waiter] in
            guard let running = state.running, nowNs &- running.beganNs > LineView.boundNs else { return [] }
            let (late, patient) = state.waiting.partitioned { nowNs &- $0.sinceNs > LineView.boundNs }
            state.waiting = patient
            return late
        }
        for waiter in late {
            waiter.done(.failure(ConcertError(.lineViewBehind)))
        }
        startIfIdle(due: false)
    }

    /// Starts a refresh unless one runs: when questions wait (`due` or any queued), or the period has passed.
    /// It is light (the feed and the tokens asked for, no sales) when the questions only need tokens the view
    /// does not hold and the view is otherwise fresh, by the real clock and the store's: the first question
    /// about each token costs that much.
    private func startIfIdle(due: Bool) {
        let nowNs = DispatchTime.now().uptimeNanoseconds
        let viewGeneration = view.generation
        let viewAge = view.ageNs(at: nowNs) ?? .max
        let clockAge = view.clockAgeMs(at: clock.now())
        let started = state.withLock { state -> Running? in
            guard !state.stopped, state.running == nil else { return nil }
            let periodPassed = nowNs &- state.lastFullNs >= Self.periodNs
            let warm = nowNs &- lastAskedNs.load(ordering: .relaxed) < Self.keepWarmNs
            guard due || !state.waiting.isEmpty || (periodPassed && warm) else { return nil }
            let light = !periodPassed && viewAge < LineView.boundNs / 2 && (0..<AdmissionRate.maxAgeMs / 2).contains(clockAge)
                && state.waiting.allSatisfy { $0.generation <= viewGeneration }
            let running = Running(
                light: light, beganNs: nowNs, generation: CommitGeneration.current,
                tokens: Set(state.waiting.compactMap { waiter in waiter.token.flatMap { view.holds($0) ? nil : $0 } }),
                seatMaps: Set(state.waiting.compactMap { waiter in
                    waiter.seatMap.flatMap { view.holdsSeats($0) ? nil : $0 }
                }))
            state.running = running
            if !light { state.lastFullNs = nowNs }
            return running
        }
        guard let started else { return }
        let seatMaps = started.light ? started.seatMaps : started.seatMaps.union(view.seatMapKeys)
        reader(
            started.light, view.feedPosition, Array(started.tokens), Array(seatMaps), started.generation,
            started.beganNs
        ).whenDone {
            [self] result in finish(started, result)
        }
    }

    private func finish(_ running: Running, _ result: Result<LineView.Refresh, any Error>) {
        metrics.refreshed(light: running.light, failed: (try? result.get()) == nil)
        switch result {
        case .success(let refresh): view.apply(refresh)
        case .failure: view.mustRebuild()
        }
        let answered = state.withLock { state -> [Waiter] in
            state.running = nil
            state.lastFailed = (try? result.get()) == nil
            let (answered, rest) = state.waiting.partitioned { waiter in
                switch result {
                case .success:
                    waiter.generation <= (running.light ? view.generation : running.generation)
                        && (waiter.token.map { running.tokens.contains($0) || view.holds($0) } ?? true)
                        && (waiter.seatMap.map { running.seatMaps.contains($0) || view.holdsSeats($0) } ?? true)
                case .failure:
                    waiter.sinceNs <= running.beganNs
                }
            }
            state.waiting = rest
            return answered
        }
        for waiter in answered {
            waiter.done(result.map { _ in () })
        }
        startIfIdle(due: false)
    }
}

extension Array {
    /// The elements for which `isFirst` holds, in order, and the others, in order.
    fileprivate func partitioned(by isFirst: (Element) -> Bool) -> ([Element], [Element]) {
        var first: [Element] = []
        var second: [Element] = []
        for element in self {
            if isFirst(element) { first.append(element) } else { second.append(element) }
        }
        return (first, second)
    }
}
