import ConcertDomain
import Foundation

/// Answers statuses, line reports and seat lists from this server's ``LineView``: at once when the view is
/// fresh, else after the next refresh of its ``LineFollower``. Hearing a fan is recorded as when the database
/// answers.
final class LineReader: Sendable {
    private let view = LineView()
    private let follower: LineFollower
    private let clock: any ConcertClock
    private let presence: PresenceTracker
    private let graceMs: Int64
    private let droppedPlaces: DroppedPlaces

    /// A reader whose view is refreshed with `reader`, that records hearings in `presence` (`graceMs` the silence
    /// limit of a fan not active) and counts positions with `droppedPlaces` (which each refresh brings up to its
    /// snapshot).
    init(
        clock: any ConcertClock, presence: PresenceTracker, graceMs: Int64, droppedPlaces: DroppedPlaces,
        reader: @escaping LineFollower.Reader
    ) {
        self.clock = clock
        self.presence = presence
        self.graceMs = graceMs
        self.droppedPlaces = droppedPlaces
        follower = LineFollower(view: view, clock: clock, reader: reader)
    }

    /// Starts following the database.
    func start() {
        follower.start()
    }

    /// Blocks until the first refresh has read the view (a server answers from it only then); throws what
    /// made it fail.
    func waitForFirstRefresh() throws {
        let done = DispatchSemaphore(value: 0)
        let outcome = ResultBox<Void>()
        follower.whenFresh(generation: CommitGeneration.current, token: nil) { result in
            outcome.result = result
            done.signal()
        }
        done.wait()
        try outcome.take()
    }

    /// Stops following; questions still waiting fail with STORE_BUSY.
    func stop() {
        follower.stop()
    }

    /// Whether an admission round could do anything now, as of the view; nil when the view cannot tell.
    func mayAdmit() -> Bool? {
        view.mayAdmit(nowNs: DispatchTime.now().uptimeNanoseconds, clockMs: clock.now())
    }

    /// Whether the view is behind the database (see ``LineFollower/isBehind``).
    var isBehind: Bool { follower.isBehind }

    /// Where the token (already validated) stands now, as of the view; TOKEN_UNKNOWN when no such token was
    /// issued.
    func queueStatus(token: String) -> StoreRead<QueueStatus> {
        let generation = CommitGeneration.current
        let now = DispatchTime.now().uptimeNanoseconds
        follower.noteAsked(at: now)
        if case .found(let cached, let sale) = view.token(token, generation: generation, nowNs: now, clockMs: clock.now()) {
            return StoreRead(ready: .success(status(of: cached, in: sale)))
        }
        return StoreRead { [self] completion in
            follower.whenFresh(generation: generation, token: token) { [self] refreshed in
                completion(refreshed.flatMap { _ in
                    let now = DispatchTime.now().uptimeNanoseconds
                    switch view.token(token, generation: generation, nowNs: now, clockMs: clock.now(), anyAge: true) {
                    case .found(let cached, let sale): return .success(status(of: cached, in: sale))
                    case .notHeld: return .failure(ConcertError(.tokenUnknown))
                    case .stale: return .failure(Self.behind)
                    }
                })
            }
        }
    }

    /// The seats of the concert's date (a valid date) now, as of the view, for the holder of the (validated)
    /// token; TOKEN_UNKNOWN when no such token was issued, nil when the date does not exist (the database says
    /// which of the concert and the date is missing).
    func seats(token: String, concertID: Int64, date: String) -> StoreRead<[Seat]?> {
        let generation = CommitGeneration.current
        let key = LineView.SeatMapKey(concertID: concertID, date: date)
        let now = DispatchTime.now().uptimeNanoseconds
        follower.noteAsked(at: now)
        let answer = view.seats(key, token: token, generation: generation, nowNs: now, clockMs: clock.now())
        if case .found(let cached, let sale, let seats) = answer {
            return StoreRead(ready: .success(heard(cached, in: sale, seats: seats)))
        }
        return StoreRead { [self] completion in
            follower.whenFresh(generation: generation, token: token, seatMap: key) { [self] refreshed in
                completion(refreshed.flatMap { _ in
                    let now = DispatchTime.now().uptimeNanoseconds
                    switch view.seats(key, token: token, generation: generation, nowNs: now, clockMs: clock.now(), anyAge: true) {
                    case .found(let cached, let sale, let seats): return .success(heard(cached, in: sale, seats: seats))
                    case .notHeld: return view.holds(token) ? .success(nil) : .failure(ConcertError(.tokenUnknown))
                    case .stale: return .failure(Self.behind)
                    }
                })
            }
        }
    }

    /// Whether a hold of seat `number` of the concert's date is refused SEAT_ALREADY_SOLD as of the view, at
    /// most ``LineView/boundNs`` old, without a write: the view holds the token, active and for this concert,
    /// and shows the seat sold. A sold seat stays sold, so a view that lags (even behind this server's own
    /// commits) can only miss a sale, never invent one. False when the view cannot tell at once (the write then
    /// decides, in the database). Records that the token's holder called.
    func refusesSoldSeat(token: String, concertID: Int64, date: String, number: Int) -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        follower.noteAsked(at: now)
        let key = LineView.SeatMapKey(concertID: concertID, date: date)
        guard
            case .found(let cached, let sale, let seats) = view.seats(
                key, token: token, generation: 0, nowNs: now, clockMs: clock.now()),
            cached.ticket.concertID == concertID, seats.first(where: { $0.number == number })?.isSold == true
        else { return false }
        let clockNow = clock.now()
        let record = TokenRecord(userID: cached.userID, ticket: cached.ticket, sale: sale.record)
        guard case .active = record.state(now: clockNow) else { return false }
        presence.heard(record, heardBy: cached.heardBy, graceMs: graceMs, now: clockNow)
        return true
    }

    /// The sale's line now, as of the view; CONCERT_NOT_FOUND.
    func saleLine(concertID: Int64) -> StoreRead<SaleLine> {
        let generation = CommitGeneration.current
        follower.noteAsked(at: DispatchTime.now().uptimeNanoseconds)
        let answer: @Sendable (Bool) -> Result<SaleLine, any Error>? = { [view, clock] anyAge in
            let nowNs = DispatchTime.now().uptimeNanoseconds
            switch view.sale(concertID, generation: generation, nowNs: nowNs, clockMs: clock.now(), anyAge: anyAge) {
            case .found(let sale): return .success(sale.line)
            case .unknown: return .failure(ConcertError(.concertNotFound, "Concert \(concertID) does not exist."))
            case .stale: return anyAge ? .failure(Self.behind) : nil
            }
        }
        if let ready = answer(false) { return StoreRead(ready: ready) }
        return StoreRead { [follower] completion in
            follower.whenFresh(generation: generation, token: nil) { refreshed in
                completion(refreshed.flatMap { _ in answer(true)! })
            }
        }
    }

    private static let behind = ConcertError(.lineViewBehind)

    /// `seats` at the clock's now, recording that the holder of `cached` (in `sale`) called.
    private func heard(_ cached: LineView.CachedToken, in sale: LineView.SaleEntry, seats: [LineView.CachedSeat]) -> [Seat] {
        let now = clock.now()
        let record = TokenRecord(userID: cached.userID, ticket: cached.ticket, sale: sale.record)
        presence.heard(record, heardBy: cached.heardBy, graceMs: graceMs, now: now)
        return seats.map { $0.seat(now: now) }
    }

    /// The status of `cached` in `sale` at the clock's now, recording that its holder called.
    private func status(of cached: LineView.CachedToken, in sale: LineView.SaleEntry) -> QueueStatus {
        let now = clock.now()
        let record = TokenRecord(userID: cached.userID, ticket: cached.ticket, sale: sale.record)
        presence.heard(record, heardBy: cached.heardBy, graceMs: graceMs, now: now)
        let concertID = cached.ticket.concertID
        let dropped = sale.record.dropped
        return record.status(
            now: now,
            droppedPlaces: { after, before in
                droppedPlaces.count(concertID: concertID, after: after, before: before, dropped: dropped) { _ in [] }
            },
            observed: { sale.observed })
    }
}
