import ConcertDomain
import Foundation

extension Session {
    /// The stored token `token`: TOKEN_MISSING when empty, TOKEN_UNKNOWN when malformed or not issued here.
    func token(_ token: String) throws -> TokenRecord {
        try AccessToken.validate(token)
        let record = try db.first(
            """
            SELECT t.seq, t.user_id, t.expires_ms, t.closed_ms IS NOT NULL, q.admitted_through
            FROM tokens AS t, queue_state AS q
            WHERE t.token = ?1 AND q.id = 1
            """, token
        ) { row in
            TokenRecord(
                userID: try row.uuid(1),
                ticket: QueueTicket(seq: row.int64(0), expiresAtMs: row.optionalInt64(2), isClosed: row.bool(3)),
                admittedThrough: row.int64(4))
        }
        guard let record else { throw ConcertError(.tokenUnknown) }
        return record
    }

    /// The token `token` if it is waiting or active; TOKEN_EXPIRED otherwise.
    func liveToken(_ token: String) throws -> TokenRecord {
        let record = try self.token(token)
        guard record.state(now: now) != .expired else { throw ConcertError(.tokenExpired) }
        return record
    }

    /// The token `token` if it is active; TOKEN_EXPIRED or TOKEN_NOT_ACTIVE otherwise.
    func activeToken(_ token: String) throws -> TokenRecord {
        let record = try self.token(token)
        try Self.requireActive(record.state(now: now))
        return record
    }

    /// Throws TOKEN_EXPIRED or TOKEN_NOT_ACTIVE unless `state` is active.
    static func requireActive(_ state: TokenState) throws {
        switch state {
        case .active: return
        case .waiting: throw ConcertError(.tokenNotActive)
        case .expired: throw ConcertError(.tokenExpired)
        }
    }

    /// The queue status of `record` at `now`, with an estimated wait when it is waiting.
    func status(of record: TokenRecord) throws -> QueueStatus {
        try record.ticket.status(admittedThrough: record.admittedThrough, now: now) { position in
            try estimatedWait(position: position)
        }
    }

    /// Write: the user's live token if there is one, else a new token at the back of the line; then admits
    /// from the head of the line if there is room, so the returned status may already be active.
    func issueToken(userID: UUID) throws -> IssuedToken {
        let token = try latestLiveToken(userID: userID) ?? appendToken(userID: userID)
        try admit()
        let record = try self.token(token)
        return IssuedToken(token: token, userID: userID, status: try status(of: record))
    }

    private func latestLiveToken(userID: UUID) throws -> String? {
        let latest = try db.first(
            """
            SELECT t.token, t.seq, t.expires_ms, t.closed_ms IS NOT NULL, q.admitted_through
            FROM tokens AS t, queue_state AS q
            WHERE t.user_id = ?1 AND q.id = 1
            ORDER BY t.seq DESC LIMIT 1
            """, userID
        ) { row in
            (token: row.string(0),
             ticket: QueueTicket(seq: row.int64(1), expiresAtMs: row.optionalInt64(2), isClosed: row.bool(3)),
             admittedThrough: row.int64(4))
        }
        guard let latest, latest.ticket.isLive(admittedThrough: latest.admittedThrough, now: now) else { return nil }
        return latest.token
    }

    private func appendToken(userID: UUID) throws -> String {
        guard let seq = try db.first(
            "UPDATE queue_state SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq", read: { $0.int64(0) })
        else { throw StorageError.inconsistency("queue_state row is missing") }
        let token = AccessToken.generate()
        try db.execute(
            "INSERT INTO tokens (seq, token, user_id, issued_ms) VALUES (?1, ?2, ?3, ?4)",
            seq, token, userID, now)
        return token
    }
}
