import ConcertDomain
import Foundation
import Synchronization

/// This server's view of every sale's line, in memory, so that a status, a watcher's look and a line report
/// cost no database round trip (used on PostgreSQL, where each round trip is the cost).
///
/// It holds each sale's counters and figures, and the tokens this server has been asked about, as of the
/// snapshot of its last refresh (``LineFollower`` runs one at least every 200 ms): the sales are read whole,
/// the tokens follow the change feed (`token_changes`, see `Session.logTokenChange`), and a
/// token is read from the database once, the first time this server is asked about it. A view answers only
/// when it is fresh: it includes every write this process committed before the question (read your writes),
/// and its snapshot is at most ``boundNs`` old; otherwise the question waits for the next refresh. Nothing
/// that decides a write is taken from it: writes read the database in their own transaction.
final class LineView: Sendable {
    /// A token as the view keeps it.
    struct CachedToken: Sendable {
        /// The bearer token.
        var token: String
        /// The user it is bound to.
        var userID: UUID
        /// Its place in its sale's line and its state's stored facts.
        var ticket: QueueTicket
        /// The server that hears its holder (`tokens.heard_by`).
        var heardBy: String

        /// Reads the columns token, seq, user_id, concert_id, place, expires_ms, closed, abandoned, heard_by,
        /// revoked, in that order, from `offset`.
        init(row: any SQLRow, offset: Int32) throws {
            token = row.string(offset)
            userID = try row.uuid(offset + 2)
            ticket = QueueTicket(
                seq: row.int64(offset + 1), concertID: row.int64(offset + 3), place: row.optionalInt64(offset + 4),
                expiresAtMs: row.optionalInt64(offset + 5), isClosed: row.bool(offset + 6),
                isAbandoned: row.bool(offset + 7), isRevoked: row.bool(offset + 9))
            heardBy = row.string(offset + 8)
        }
    }

    /// A date of a concert, whose seats the view may keep.
    struct SeatMapKey: Hashable, Sendable {
        /// The concert.
        var concertID: Int64
        /// The date (YYYY-MM-DD).
        var date: String
    }

    /// A seat as the view keeps it: what decides whether it is free at a given instant.
    struct CachedSeat: Sendable {
        /// The seat number.
        var number: Int
        /// Its price.
        var price: Int64
        /// Whether it is sold.
        var isSold: Bool
        /// When its last hold lapses (or lapsed), if it was ever held.
        var holdExpiresMs: Int64?

        /// The seat as a fan sees it at the store clock's `now`: free unless sold or under a live hold.
        func seat(now: Int64) -> Seat {
            Seat(number: number, price: price, isFree: !isSold && holdExpiresMs.map { $0 <= now } ?? true)
        }
    }

    /// A sale as the view keeps it.
    struct SaleEntry: Sendable {
        /// The sale and its line's counters.
        var record: SaleRecord
        /// The line's figures.
        var line: SaleLine
        /// The sale's recent admissions, for wait estimates.
        var observed: AdmissionRate.Observed
        /// When the first of its active tokens expires, if any is active.
        var nextExpiryMs: Int64?

        /// Whether an admission round could do anything for the sale at the store clock's `now`: places of
        /// its pre-queue to give out, or fans waiting in an open sale that is not paused, with room among the
        /// active (now, or once the first active token expires).
        func mayAdmit(now: Int64) -> Bool {
            if record.hasUnplacedPreQueue(now: now) { return true }
            let policy = record.sale.policy
            guard !record.sale.isAdmissionPaused, record.sale.opensAtMs <= now, policy.maxActive > 0, record.admissibleThrough > record.admittedThrough
            else { return false }
            return line.active < Int64(policy.maxActive) || nextExpiryMs.map { $0 <= now } ?? true
        }
    }

    /// What one refresh read, in one snapshot.
    struct Refresh: Sendable {
        /// Local commits the snapshot includes (``CommitGeneration`` read before it began).
        var generation: UInt64
        /// When the snapshot began at the latest (uptime ns).
        var beganNs: UInt64
        /// The store clock's instant the figures were computed at (Unix ms).
        var clockMs: Int64
        /// Every sale; nil for a light refresh, which reads only the feed and the tokens asked for (the view
        /// keeps its sales, its generation and its age).
        var sales: [SaleEntry]?
        /// Where the next refresh reads the feed from: the snapshot's xmin (see the change feed, `Session.tokenFeedHorizon`).
        var feedEnd: Int64
        /// Whether the view starts over from this snapshot (its token memory is dropped).
        var rebuilds: Bool
        /// The tokens the feed names, as they are in the snapshot, in feed order.
        var changed: [CachedToken]
        /// The tokens asked for that the view did not hold: each one found, or nil.
        var loaded: [String: CachedToken?]
        /// The seats of the dates read, by number (dates that do not exist are left out): those asked for,
        /// and in a full refresh every date the view keeps.
        var seatMaps: [SeatMapKey: [CachedSeat]]
    }

    /// The view's answer to a question about a token.
    enum TokenAnswer {
        /// The token and its sale as of the view.
        case found(CachedToken, SaleEntry)
        /// Not in the view; the next refresh reads it.
        case notHeld
        /// The view is not fresh enough to answer.
        case stale
    }

    /// The view's answer to a question about a date's seats, asked with a token.
    enum SeatsAnswer {
        /// The token, its sale and the date's seats as of the view.
        case found(CachedToken, SaleEntry, [CachedSeat])
        /// The token or the date is not in the view; the next refresh reads them (a date that does not exist
        /// never is).
        case notHeld
        /// The view is not fresh enough to answer.
        case stale
    }

    /// The view's answer to a question about a sale.
    enum SaleAnswer {
        /// The sale as of the view.
        case found(SaleEntry)
        /// No such sale in the view's snapshot.
        case unknown
        /// The view is not fresh enough to answer.
        case stale
    }

    private struct Held {
        var token: CachedToken
        var usedNs: UInt64
    }

    private struct HeldSeats {
        var seats: [CachedSeat]
        var usedNs: UInt64
    }

    private struct State {
        var sales: [Int64: SaleEntry] = [:]
        var tokens: [String: Held] = [:]
        var seatMaps: [SeatMapKey: HeldSeats] = [:]
        var tokenBySeq: [Int64: String] = [:]
        var feedPosition: Int64?
        var generation: UInt64 = 0
        var refreshedNs: UInt64?
        var refreshedClockMs: Int64 = 0
        var lastEvictionNs: UInt64 = 0
    }

    /// How old a view's snapshot may be when it answers: 1 s.
    static let boundNs: UInt64 = 1_000_000_000
    /// How long the change feed keeps an entry (store clock): 10 minutes, and never one of the last
    /// ``feedRetainedEntries``. A view whose refreshes fail starts over at its next success, and one that
    /// succeeds reads the feed every 200 ms, so none needs an entry that old.
    static let feedRetentionMs: Int64 = 600_000
    /// How many of the newest feed entries are kept whatever their age.
    static let feedRetainedEntries: Int64 = 100_000
    /// How long a token or a date's seats nobody asked about stay in the view: 10 minutes.
    static let idleTokenNs: UInt64 = 600_000_000_000

    private let state = Mutex(State())

    /// An empty view; it answers nothing until its first refresh.
    init() {}

    /// Where the view has read the feed to, or nil when it must start over (at first, and after a failed
    /// refresh: a server that lost the database rebuilds).
    var feedPosition: Int64? { state.withLock { $0.feedPosition } }

    /// Whether the view holds the token `token`.
    func holds(_ token: String) -> Bool {
        state.withLock { $0.tokens[token] != nil }
    }

    /// The local commits the view includes.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// How long before the store clock's `clockMs` the view's figures were computed.
    func clockAgeMs(at clockMs: Int64) -> Int64 {
        state.withLock { clockMs - $0.refreshedClockMs }
    }

    /// How old the view's snapshot is at `nowNs` (uptime ns), or nil before its first refresh.
    func ageNs(at nowNs: UInt64) -> UInt64? {
        state.withLock { state in state.refreshedNs.map { nowNs &- $0 } }
    }

    /// The token `token` and its sale, when the view includes local commit `generation` and is fresh at `nowNs`
    /// (or `anyAge`, right after a refresh that the question waited for), its figures computed less than
    /// ``AdmissionRate/maxAgeMs`` before the store clock's `clockMs` (a clock moved by a test forces a refresh).
    func token(_ token: String, generation: UInt64, nowNs: UInt64, clockMs: Int64, anyAge: Bool = false) -> TokenAnswer {
        state.withLock { state in
            guard Self.isFresh(state, generation: generation, nowNs: nowNs, clockMs: clockMs, anyAge: anyAge) else {
                return .stale
            }
            guard let held = state.tokens[token] else { return .notHeld }
            state.tokens[token]?.usedNs = nowNs
            guard let sale = state.sales[held.token.ticket.concertID] else { return .notHeld }
            return .found(held.token, sale)
        }
    }

    /// The token `token`, its sale and the seats of `key` (see ``token(_:generation:nowNs:clockMs:anyAge:)``).
    func seats(
        _ key: SeatMapKey, token: String, generation: UInt64, nowNs: UInt64, clockMs: Int64, anyAge: Bool = false
    ) -> SeatsAnswer {
        state.withLock { state in
            guard Self.isFresh(state, generation: generation, nowNs: nowNs, clockMs: clockMs, anyAge: anyAge) else {
                return .stale
            }
            guard let held = state.tokens[token], let seats = state.seatMaps[key],
                let sale = state.sales[held.token.ticket.concertID]
            else { return .notHeld }
            state.tokens[token]?.usedNs = nowNs
            state.seatMaps[key]?.usedNs = nowNs
            return .found(held.token, sale, seats.seats)
        }
    }

    /// Whether the view keeps the seats of `key`.
    func holdsSeats(_ key: SeatMapKey) -> Bool {
        state.withLock { $0.seatMaps[key] != nil }
    }

    /// The dates whose seats the view keeps.
    var seatMapKeys: [SeatMapKey] {
        state.withLock { Array($0.seatMaps.keys) }
    }

    /// The sale of `concertID` as of the view, under the same conditions as
    /// ``token(_:generation:nowNs:clockMs:anyAge:)``.
    func sale(_ concertID: Int64, generation: UInt64, nowNs: UInt64, clockMs: Int64, anyAge: Bool = false) -> SaleAnswer {
        state.withLock { state in
            guard Self.isFresh(state, generation: generation, nowNs: nowNs, clockMs: clockMs, anyAge: anyAge) else {
                return .stale
            }
            return state.sales[concertID].map(SaleAnswer.found) ?? .unknown
        }
    }

    /// Takes in what `refresh` read: the sales replace the view's; the feed's tokens replace those the view
    /// holds, the tokens asked for are added; unless the view started over, which drops every token first.
    func apply(_ refresh: Refresh) {
        state.withLock { state in
            if let sales = refresh.sales {
                state.sales = Dictionary(uniqueKeysWithValues: sales.map { ($0.record.sale.concertID, $0) })
                state.generation = max(state.generation, refresh.generation)
                state.refreshedNs = refresh.beganNs
                state.refreshedClockMs = refresh.clockMs
            }
            if refresh.rebuilds {
                state.tokens = [:]
                state.tokenBySeq = [:]
            }
            for (key, seats) in refresh.seatMaps {
                state.seatMaps[key] = HeldSeats(seats: seats, usedNs: state.seatMaps[key]?.usedNs ?? refresh.beganNs)
            }
            for token in refresh.changed {
                guard let key = state.tokenBySeq[token.ticket.seq] else { continue }
                state.tokens[key]?.token = token
            }
            for case (let key, let token?) in refresh.loaded {
                state.tokens[key] = Held(token: token, usedNs: refresh.beganNs)
                state.tokenBySeq[token.ticket.seq] = key
            }
            state.feedPosition = refresh.feedEnd
            if refresh.beganNs &- state.lastEvictionNs > 10_000_000_000 {
                Self.evictIdle(&state, nowNs: refresh.beganNs)
            }
        }
    }

    /// Whether an admission round could do anything for some sale now (see ``SaleEntry/mayAdmit(now:)``), or
    /// nil when the view is not fresh enough to tell.
    func mayAdmit(nowNs: UInt64, clockMs: Int64) -> Bool? {
        state.withLock { state in
            guard Self.isFresh(state, generation: 0, nowNs: nowNs, clockMs: clockMs, anyAge: false) else { return nil }
            return state.sales.values.contains { $0.mayAdmit(now: clockMs) }
        }
    }

    /// Marks the view as one that must start over at its next refresh (a refresh failed).
    func mustRebuild() {
        state.withLock { $0.feedPosition = nil }
    }

    private static func isFresh(_ state: State, generation: UInt64, nowNs: UInt64, clockMs: Int64, anyAge: Bool) -> Bool {
        guard state.generation >= generation, let refreshed = state.refreshedNs else { return false }
        if anyAge { return true }
        let clockAge = clockMs - state.refreshedClockMs
        return nowNs &- refreshed <= boundNs && clockAge >= 0 && clockAge < AdmissionRate.maxAgeMs
    }

    private static func evictIdle(_ state: inout State, nowNs: UInt64) {
        state.lastEvictionNs = nowNs
        for (key, held) in state.tokens where nowNs &- held.usedNs > idleTokenNs {
            state.tokens[key] = nil
            state.tokenBySeq[held.token.ticket.seq] = nil
        }
        for (key, held) in state.seatMaps where nowNs &- held.usedNs > idleTokenNs {
            state.seatMaps[key] = nil
        }
    }
}
