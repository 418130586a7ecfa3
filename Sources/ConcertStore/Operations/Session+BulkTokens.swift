import ConcertDomain
import Foundation

/// Reads of many tokens in one statement, for the bulk forms of the rules on a ``BulkSQLDatabase``.
extension Session {
    /// The tokens among `tokens` that were issued, with their sales; each live one's holder is heard now.
    func tokenRecords(_ tokens: Set<String>) throws -> [String: TokenRecord] {
        guard !tokens.isEmpty else { return [:] }
        let rows = try db.all(
            """
            SELECT t.seq, t.user_id, t.concert_id, t.place, t.expires_ms, t.closed_ms IS NOT NULL,
                   t.abandoned_ms IS NOT NULL,
                   s.concert_id, s.opens_ms, s.closes_ms, s.pre_queue_window_ms, s.max_active,
                   s.admissions_per_interval, s.admission_interval_ms, s.active_lifetime_ms, s.active_idle_ms,
                   s.last_place, s.admitted_through, s.pre_queued, s.pre_queue_size, s.pre_queue_placed, s.dropped,
                   s.admission_paused_ms, t.heard_by, t.revoked_ms IS NOT NULL, t.token
            FROM tokens AS t JOIN sales AS s ON s.concert_id = t.concert_id
            WHERE t.token = ANY(?1)
            """, SQLList.texts(Array(tokens))
        ) { row in (token: row.string(25), read: try TokenRecord.read(row)) }
        var records: [String: TokenRecord] = [:]
        for row in rows {
            heard(row.read.record, heardBy: row.read.heardBy)
            records[row.token] = row.read.record
        }
        return records
    }

    /// The live tokens of `users` in the sale of `record` (each user's latest token, when it is live), by
    /// user: the bulk form of the lookup ``issueToken(userID:concertID:)`` starts with.
    func liveTokens(users: [UUID], sale record: SaleRecord) throws -> [UUID: String] {
        let latest = try db.all(
            """
            SELECT u.user_id, t.token, t.seq, t.place, t.expires_ms, t.closed_ms IS NOT NULL, t.abandoned_ms IS NOT NULL
            FROM unnest(?2::uuid[]) AS u (user_id)
            CROSS JOIN LATERAL (
                SELECT token, seq, place, expires_ms, closed_ms, abandoned_ms FROM tokens
                WHERE user_id = u.user_id AND concert_id = ?1 ORDER BY seq DESC LIMIT 1
            ) AS t
            """, record.sale.concertID, SQLList.uuids(users)
        ) { row in
            (user: try row.uuid(0), token: row.string(1),
             ticket: QueueTicket(
                seq: row.int64(2), concertID: record.sale.concertID, place: row.optionalInt64(3),
                expiresAtMs: row.optionalInt64(4), isClosed: row.bool(5), isAbandoned: row.bool(6)))
        }
        var live: [UUID: String] = [:]
        for token in latest where token.ticket.isLive(admittedThrough: record.admittedThrough, now: now) {
            live[token.user] = token.token
        }
        return live
    }
}
