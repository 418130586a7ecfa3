import ConcertDomain
import Foundation

/// The change feed that servers keeping their lines in memory (``LineView``) follow: every write that changes
/// a token's state, place or listener appends the token to `token_changes`, in the write's transaction, with
/// that transaction's id (`xid`). Writers commit in several transactions at once, so neither ids nor xids
/// follow commit order; what a reader can rely on is its snapshot's `xmin`: every transaction with a smaller
/// xid had ended when the snapshot began. A view's position is such an xmin: each refresh reads every entry
/// visible at or above it (the entries of transactions that ended since, and some read before, harmlessly
/// again: an entry names a token, whose state is read from the same snapshot) and moves the position to the
/// new snapshot's xmin. Logged only where the engine keeps line views (``StorageEngine/keepsLineViews``,
/// PostgreSQL); SQLite's servers read their lines from the database itself.
extension Session {
    /// Write: logs that the token `seq` changed.
    func logTokenChange(seq: Int64) throws {
        guard logsTokenChanges else { return }
        try db.execute("INSERT INTO token_changes (seq, at_ms) VALUES (?1, ?2)", seq, now)
    }

    /// Write: logs that every token with a place in `after + 1 ... through` of the sale changed (an
    /// admission or a placement of the pre-queue): one statement however many.
    func logTokenChanges(concertID: Int64, placesAfter after: Int64, through: Int64) throws {
        guard logsTokenChanges, through > after else { return }
        try db.execute(
            """
            INSERT INTO token_changes (seq, at_ms)
            SELECT seq, ?4 FROM tokens WHERE concert_id = ?1 AND place > ?2 AND place <= ?3 ORDER BY place
            """, concertID, after, through, now)
    }

    /// Write: logs the tokens of `seqs` (16 of them, padded with 0) that `serverID` now hears.
    func logClaims(_ seqs: [Int64], serverID: String) throws {
        guard logsTokenChanges else { return }
        try db.execute(
            """
            INSERT INTO token_changes (seq, at_ms)
            SELECT seq, ?2 FROM tokens
            WHERE seq IN (?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) AND heard_by = ?1
            """, serverID, now, seqs[0], seqs[1], seqs[2], seqs[3], seqs[4], seqs[5], seqs[6], seqs[7], seqs[8],
            seqs[9], seqs[10], seqs[11], seqs[12], seqs[13], seqs[14], seqs[15])
    }

    /// Write: forgets feed entries older than `retentionMs` that are not among the last `keep`; a view that
    /// falls that far behind has failed refreshes, and starts over.
    func pruneTokenChanges(retentionMs: Int64, keep: Int64) throws {
        guard logsTokenChanges else { return }
        try db.execute(
            "DELETE FROM token_changes WHERE at_ms < ?1 AND id <= (SELECT max(id) FROM token_changes) - ?2",
            now - retentionMs, keep)
    }

    /// Reads what a ``LineView`` refresh takes in, in this snapshot: every sale unless `light`, the feed after
    /// `position` (from its end, starting over, when `position` is nil), the tokens of `tokens` and the seats
    /// of the dates of `seatMaps`.
    func lineRefresh(
        light: Bool, after position: Int64?, tokens: [String], seatMaps: [LineView.SeatMapKey], generation: UInt64,
        beganNs: UInt64
    ) throws -> LineView.Refresh {
        let sales = light && position != nil ? nil : try saleViews()
        var changed: [LineView.CachedToken] = []
        let end = try tokenFeedHorizon()
        if let position {
            var after: (xid: Int64, id: Int64) = (position, 0)
            while true {
                let page = try tokenChanges(after: after, limit: 4096)
                changed += page.map(\.token)
                after = page.last?.position ?? after
                if page.count < 4096 { break }
            }
        }
        var loaded: [String: LineView.CachedToken?] = [:]
        for token in tokens {
            loaded[token] = .some(try cachedToken(token))
        }
        return LineView.Refresh(
            generation: generation, beganNs: beganNs, clockMs: now, sales: sales, feedEnd: max(end, position ?? end), rebuilds: position == nil,
            changed: changed, loaded: loaded, seatMaps: try cachedSeats(seatMaps))
    }

    /// The seats of the dates of `keys` that exist, by number, as they are in this snapshot.
    func cachedSeats(_ keys: [LineView.SeatMapKey]) throws -> [LineView.SeatMapKey: [LineView.CachedSeat]] {
        guard !keys.isEmpty else { return [:] }
        let rows = try db.all(
            """
            SELECT s.concert_id, s.date, s.number, s.price, s.sold_reservation_id IS NOT NULL, s.hold_expires_ms
            FROM seats AS s JOIN unnest(?1::bigint[], ?2::text[]) AS k (concert_id, date)
              ON s.concert_id = k.concert_id AND s.date = k.date
            ORDER BY s.concert_id, s.date, s.number
            """, SQLList.integers(keys.map(\.concertID)), SQLList.texts(keys.map(\.date))
        ) { row in
            (key: LineView.SeatMapKey(concertID: row.int64(0), date: row.string(1)),
             seat: LineView.CachedSeat(
                number: row.int(2), price: row.int64(3), isSold: row.bool(4), holdExpiresMs: row.optionalInt64(5)))
        }
        return Dictionary(grouping: rows, by: \.key).mapValues { $0.map(\.seat) }
    }

    /// This snapshot's xmin: every transaction with a smaller id had ended when it began, so the entries
    /// of the feed below it are all visible now and none will be added. Where a view that has read the feed
    /// in this snapshot stands.
    func tokenFeedHorizon() throws -> Int64 {
        try db.first(
            "SELECT CAST(CAST(pg_snapshot_xmin(pg_current_snapshot()) AS TEXT) AS BIGINT)", read: { $0.int64(0) }) ?? 0
    }

    /// Up to `limit` feed entries after `after` (a transaction id and an entry id), in that order, each with
    /// its token as it is in this snapshot.
    func tokenChanges(after: (xid: Int64, id: Int64), limit: Int) throws
        -> [(position: (xid: Int64, id: Int64), token: LineView.CachedToken)]
    {
        try db.all(
            """
            SELECT c.xid, c.id, t.token, t.seq, t.user_id, t.concert_id, t.place, t.expires_ms,
                   t.closed_ms IS NOT NULL, t.abandoned_ms IS NOT NULL, t.heard_by, t.revoked_ms IS NOT NULL
            FROM token_changes AS c JOIN tokens AS t ON t.seq = c.seq
            WHERE c.xid >= ?1 AND (c.xid > ?1 OR c.id > ?2) ORDER BY c.xid, c.id LIMIT ?3
            """, after.xid, after.id, limit,
            read: { row in
                (position: (xid: row.int64(0), id: row.int64(1)), token: try LineView.CachedToken(row: row, offset: 2))
            })
    }

    /// The token `token` as it is in this snapshot, or nil when no such token was issued.
    func cachedToken(_ token: String) throws -> LineView.CachedToken? {
        try db.first(
            """
            SELECT token, seq, user_id, concert_id, place, expires_ms, closed_ms IS NOT NULL, abandoned_ms IS NOT NULL,
                   heard_by, revoked_ms IS NOT NULL
            FROM tokens WHERE token = ?1
            """, token, read: { row in try LineView.CachedToken(row: row, offset: 0) })
    }

    /// Every sale with its line's figures now, computed from counters and indexed ranges (no count over the
    /// line): what a ``LineView`` answers statuses and lines from until its next refresh.
    func saleViews() throws -> [LineView.SaleEntry] {
        let records = try db.all(
            """
            SELECT s.concert_id, s.opens_ms, s.closes_ms, s.pre_queue_window_ms, s.max_active,
                   s.admissions_per_interval, s.admission_interval_ms, s.active_lifetime_ms, s.active_idle_ms,
                   s.last_place, s.admitted_through, s.pre_queued, s.pre_queue_size, s.pre_queue_placed, s.dropped, s.admission_paused_ms,
                   (SELECT count(*) FROM tokens AS t
                    WHERE t.concert_id = s.concert_id AND t.closed_ms IS NULL AND t.expires_ms > ?1),
                   (SELECT CAST(coalesce(sum(a.count), 0) AS BIGINT) FROM admissions AS a
                    WHERE a.concert_id = s.concert_id AND a.admitted_ms > ?2),
                   (SELECT CAST(coalesce(sum(a.count), 0) AS BIGINT) FROM admissions AS a
                    WHERE a.concert_id = s.concert_id AND a.admitted_ms > ?3),
                   (SELECT CAST(coalesce(sum(a.count), 0) AS BIGINT) FROM admissions AS a
                    WHERE a.concert_id = s.concert_id AND a.admitted_ms > ?4),
                   (SELECT max(a.admitted_ms) FROM admissions AS a WHERE a.concert_id = s.concert_id),
                   (SELECT min(t.expires_ms) FROM tokens AS t
                    WHERE t.concert_id = s.concert_id AND t.closed_ms IS NULL AND t.expires_ms > ?1)
            FROM sales AS s ORDER BY s.concert_id
            """, now, now - WaitEstimate.shortWindowMs, now - WaitEstimate.longWindowMs, now - 60_000
        ) { row in
            (record: SaleRecord(row: row), active: row.int64(16),
             observed: AdmissionRate.Observed(short: row.int64(17), long: row.int64(18)),
             lastMinute: row.int64(19), lastAdmission: row.optionalInt64(20), nextExpiry: row.optionalInt64(21))
        }
        return try records.map { sale in
            let record = sale.record
            try catchUpDroppedPlaces(of: record)
            let unplaced = record.preQueued - record.preQueuePlaced
            let droppedAhead = try droppedPlaces(in: record, after: record.admittedThrough, before: record.lastPlace + 1)
            let line = SaleLine(
                sale: record.sale, waiting: unplaced + record.lastPlace - record.admittedThrough - droppedAhead,
                active: sale.active, admittedLastMinute: sale.lastMinute, lastAdmissionAtMs: sale.lastAdmission)
            return LineView.SaleEntry(
                record: record, line: line, observed: sale.observed, nextExpiryMs: sale.nextExpiry)
        }
    }
}
