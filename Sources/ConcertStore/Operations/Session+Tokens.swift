import ConcertDomain
import Foundation

extension Session {
    /// The token `token` with its sale, in any state; TOKEN_UNKNOWN when no such token was issued.
    func token(_ token: String) throws -> TokenRecord {
        try AccessToken.validate(token)
        let record = try db.first(
            """
            SELECT t.seq, t.user_id, t.concert_id, t.place, t.expires_ms, t.closed_ms IS NOT NULL,
                   t.abandoned_ms IS NOT NULL,
                   s.concert_id, s.opens_ms, s.closes_ms, s.pre_queue_window_ms, s.max_active,
                   s.admissions_per_interval, s.admission_interval_ms, s.active_lifetime_ms, s.active_idle_ms,
                   s.last_place, s.admitted_through, s.pre_queued, s.pre_queue_size, s.pre_queue_placed, s.dropped,
                   s.admission_paused_ms, t.heard_by, t.revoked_ms IS NOT NULL
            FROM tokens AS t JOIN sales AS s ON s.concert_id = t.concert_id
            WHERE t.token = ?1
            """, token, read: TokenRecord.read)
        guard let record else { throw ConcertError(.tokenUnknown) }
        heard(record.record, heardBy: record.heardBy)
        return record.record
    }

    /// Records in this process's memory that the holder of a live token called now.
    func heard(_ record: TokenRecord, heardBy: String) {
        presence.heard(record, heardBy: heardBy, graceMs: presencePolicy.graceMs, now: now)
    }

    /// The token `token` if it is live (pre-queued, waiting or active); TOKEN_EXPIRED or TOKEN_ABANDONED otherwise.
    func liveToken(_ token: String) throws -> TokenRecord {
        let record = try self.token(token)
        try Self.requireLive(record.state(now: now))
        return record
    }

    /// Throws TOKEN_EXPIRED, TOKEN_ABANDONED or TOKEN_REVOKED unless `state` is live.
    static func requireLive(_ state: TokenState) throws {
        switch state {
        case .preQueue, .waiting, .active: return
        case .expired: throw ConcertError(.tokenExpired)
        case .abandoned: throw ConcertError(.tokenAbandoned)
        case .revoked: throw ConcertError(.tokenRevoked)
        }
    }

    /// The token `token` if it is active; TOKEN_EXPIRED, TOKEN_ABANDONED or TOKEN_NOT_ACTIVE otherwise.
    func activeToken(_ token: String) throws -> TokenRecord {
        let record = try self.token(token)
        try Self.requireActive(record.state(now: now))
        return record
    }

    /// Throws TOKEN_EXPIRED, TOKEN_ABANDONED or TOKEN_NOT_ACTIVE unless `state` is active.
    static func requireActive(_ state: TokenState) throws {
        try requireLive(state)
        guard state == .active else { throw ConcertError(.tokenNotActive) }
    }

    /// The queue status of `record` at `now`: its position (present fans ahead plus one, counted with this
    /// process's index of dropped places) and estimated wait when waiting.
    func status(of record: TokenRecord) throws -> QueueStatus {
        try record.status(
            now: now,
            droppedPlaces: { after, before in try droppedPlaces(in: record.sale, after: after, before: before) },
            observed: { try observedAdmissions(concertID: record.ticket.concertID) })
    }

    /// Write: the user's live token for the sale if there is one; else, while the sale takes tokens, a new one
    /// (PRE_QUEUE in the pre-queue window, else at the back of the line); then admits from the head of the line
    /// if there is room. SALE_NOT_OPEN before the pre-queue window, SALE_CLOSED after closing.
    func issueToken(userID: UUID, concertID: Int64) throws -> IssuedToken {
        let sale = try saleRecord(concertID)
        let token: String
        if let live = try liveToken(userID: userID, concertID: concertID) {
            token = live
        } else if try joinsPreQueue(sale) {
            token = try joinPreQueue(userID: userID, concertID: concertID) ?? joinLine(userID: userID, concertID: concertID)
        } else {
            token = try joinLine(userID: userID, concertID: concertID)
        }
        try admit(concertID: concertID)
        let record = try self.token(token)
        return IssuedToken(token: token, userID: userID, status: try status(of: record))
    }

    /// Whether a new fan joins the sale's pre-queue now (else the back of its line); SALE_NOT_OPEN before
    /// the pre-queue window, SALE_CLOSED after closing. Shared by both forms of joining.
    func joinsPreQueue(_ sale: SaleRecord) throws -> Bool {
        let concertID = sale.sale.concertID
        switch sale.sale.state(now: now) {
        case .upcoming:
            let opens = ISO8601Instant.string(milliseconds: sale.sale.opensAtMs)
            let preQueue = ISO8601Instant.string(milliseconds: sale.sale.preQueueOpensAtMs)
            throw ConcertError(
                .saleNotOpen, "The sale of concert \(concertID) opens at \(opens); its line opens at \(preQueue).")
        case .closed:
            throw ConcertError(.saleClosed, "The sale of concert \(concertID) has closed.")
        case .preQueue:
            return true
        case .open:
            return false
        }
    }

    private func liveToken(userID: UUID, concertID: Int64) throws -> String? {
        let latest = try db.first(
            """
            SELECT t.token, t.seq, t.place, t.expires_ms, t.closed_ms IS NOT NULL, t.abandoned_ms IS NOT NULL,
                   s.admitted_through
            FROM tokens AS t JOIN sales AS s ON s.concert_id = t.concert_id
            WHERE t.user_id = ?1 AND t.concert_id = ?2
            ORDER BY t.seq DESC LIMIT 1
            """, userID, concertID
        ) { row in
            (token: row.string(0),
             ticket: QueueTicket(
                seq: row.int64(1), concertID: concertID, place: row.optionalInt64(2), expiresAtMs: row.optionalInt64(3),
                isClosed: row.bool(4), isAbandoned: row.bool(5)),
             admittedThrough: row.int64(6))
        }
        guard let latest, latest.ticket.isLive(admittedThrough: latest.admittedThrough, now: now) else { return nil }
        return latest.token
    }

    /// Write: a new PRE_QUEUE token with a random shuffle key, or nil when the sale's pre-queue is already
    /// fixed (another process saw the sale open and handed out a place).
    private func joinPreQueue(userID: UUID, concertID: Int64) throws -> String? {
        let joined = try db.execute(
            "UPDATE sales SET pre_queued = pre_queued + 1 WHERE concert_id = ?1 AND pre_queue_size IS NULL", concertID)
        guard joined == 1 else { return nil }
        let token = AccessToken.generate()
        try db.execute(
            """
            INSERT INTO tokens (token, user_id, concert_id, issued_ms, shuffle_key, heard_by)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """, token, userID, concertID, now, Int64.random(in: 0...Int64.max), presence.serverID)
        return token
    }

    /// Write: a new token at the back of the sale's line, behind the whole pre-queue.
    private func joinLine(userID: UUID, concertID: Int64) throws -> String {
        try fixPreQueue(concertID: concertID)
        guard try db.execute("UPDATE sales SET last_place = last_place + 1 WHERE concert_id = ?1", concertID) == 1,
            let place = try db.first("SELECT last_place FROM sales WHERE concert_id = ?1", concertID, read: { $0.int64(0) })
        else { throw StorageError.inconsistency("sale \(concertID) vanished") }
        let token = AccessToken.generate()
        try db.execute(
            """
            INSERT INTO tokens (token, user_id, concert_id, issued_ms, place, heard_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """, token, userID, concertID, now, place, presence.serverID)
        return token
    }

    /// Write: once the sale has opened, fixes its pre-queue (no more joins) and reserves places 1...size for
    /// it, once.
    func fixPreQueue(concertID: Int64) throws {
        try db.execute(
            """
            UPDATE sales SET pre_queue_size = pre_queued, last_place = pre_queued
            WHERE concert_id = ?1 AND pre_queue_size IS NULL AND opens_ms <= ?2
            """, concertID, now)
    }
}
