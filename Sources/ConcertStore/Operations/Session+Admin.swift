import ConcertDomain
import Foundation

/// The operators' rules: changes to a running sale, each logged in `sale_changes` in the transaction that makes
/// it, and the figures they watch.
extension Session {
    /// Write: applies `update` to the sale of `concertID` (validated first: INVALID_SALE_SETTING,
    /// SALE_ALREADY_OPEN, CONCERT_NOT_FOUND; nothing changes then), logs each changed setting, and admits at once
    /// if the change made room. Returns the sale and the changes.
    func updateSale(concertID: Int64, _ update: SaleUpdate, by madeBy: Operator) throws -> (Sale, [SaleChange]) {
        let record = try saleRecord(concertID)
        let (sale, changes) = try update.applied(to: record.sale, now: now)
        guard !changes.isEmpty else { return (sale, []) }
        let policy = sale.policy
        try db.execute(
            """
            UPDATE sales SET opens_ms = ?2, closes_ms = ?3, max_active = ?4, admissions_per_interval = ?5,
                             admission_interval_ms = ?6, active_lifetime_ms = ?7, active_idle_ms = ?8
            WHERE concert_id = ?1
            """, concertID, sale.opensAtMs, sale.closesAtMs, policy.maxActive, policy.admissionsPerInterval,
            policy.admissionIntervalMs, policy.activeLifetimeMs, policy.activeIdleMs)
        let logged = try changes.map { change in
            try logSaleChange(concertID: concertID, what: change.setting, old: change.old, new: change.new, by: madeBy)
        }
        try admit(concertID: concertID)
        return (sale, logged)
    }

    /// Write: pauses (`paused`) or resumes admission of the sale; a resume admits at once. Changes and logs
    /// nothing when the sale is already so. CONCERT_NOT_FOUND.
    func setAdmissionPaused(concertID: Int64, _ paused: Bool, by madeBy: Operator) throws -> Sale {
        var sale = try saleRecord(concertID).sale
        guard sale.isAdmissionPaused != paused else { return sale }
        try db.execute(
            "UPDATE sales SET admission_paused_ms = ?2 WHERE concert_id = ?1", concertID, paused ? now : nil)
        try logSaleChange(
            concertID: concertID, what: "admission", old: paused ? "admitting" : "paused",
            new: paused ? "paused" : "admitting", by: madeBy)
        sale.isAdmissionPaused = paused
        if !paused { try admit(concertID: concertID) }
        return sale
    }

    /// Write: closes the sale now, or a millisecond after its opening instant if that is now (new tokens are
    /// refused; the line is still admitted). Changes and logs
    /// nothing when it is closed already. SALE_NOT_OPEN before it opens (move its opening instead),
    /// CONCERT_NOT_FOUND.
    func closeSale(concertID: Int64, by madeBy: Operator) throws -> Sale {
        var sale = try saleRecord(concertID).sale
        switch sale.state(now: now) {
        case .closed:
            return sale
        case .upcoming, .preQueue:
            throw ConcertError(
                .saleNotOpen, "The sale has not opened; move its opening time with UpdateSale instead of closing it.")
        case .open:
            let closes = max(now, sale.opensAtMs + 1)
            try db.execute("UPDATE sales SET closes_ms = ?2 WHERE concert_id = ?1", concertID, closes)
            try logSaleChange(
                concertID: concertID, what: "sale", old: sale.closesAtMs.map { "closes at \($0)" } ?? "open",
                new: "closed", by: madeBy)
            sale.closesAtMs = closes
            return sale
        }
    }

    /// Write: ends the token at once: a pre-queued or waiting token is dropped (its place logged as dropped), an
    /// active one closed and its slot given to the next in line; its unpaid holds lapse now. The token is named
    /// by itself, or by `userID` and `concertID` (the user's latest token of that sale). Logs the change with
    /// `reason`. TOKEN_NOT_NAMED, TOKEN_UNKNOWN, INVALID_USER_ID.
    func revokeToken(
        token: String?, userID: UUID?, concertID: Int64, reason: String, by madeBy: Operator
    ) throws -> Revocation {
        let name = try revokedTokenName(token: token, userID: userID, concertID: concertID)
        let record = try self.token(name)
        let seq = record.ticket.seq
        let state = record.state(now: now)
        guard state.isLive else {
            return Revocation(revoked: false, status: try status(of: record), holdsReleased: 0)
        }
        let sale = record.ticket.concertID
        switch state {
        case .preQueue, .waiting:
            try drop(seq: seq, concertID: sale, place: record.ticket.place)
        default:
            try db.execute("UPDATE tokens SET closed_ms = ?1 WHERE seq = ?2", now, seq)
        }
        try db.execute("UPDATE tokens SET revoked_ms = ?1 WHERE seq = ?2", now, seq)
        try logTokenChange(seq: seq)
        let released = try releaseHolds(userID: record.userID, concertID: sale)
        if state == .active { try admit(concertID: sale) }
        try logSaleChange(
            concertID: sale, what: "token", old: "\(record.userID.uuidString.lowercased()) \(state)",
            new: reason.isEmpty ? "revoked" : "revoked: \(reason)", by: madeBy)
        return Revocation(revoked: true, status: try status(of: self.token(name)), holdsReleased: released)
    }

    /// The token a revocation names: `token`, or the latest token of `userID` in the sale.
    private func revokedTokenName(token: String?, userID: UUID?, concertID: Int64) throws -> String {
        if let token { return token }
        guard let userID, concertID > 0 else { throw ConcertError(.tokenNotNamed) }
        let latest = try db.first(
            "SELECT token FROM tokens WHERE user_id = ?1 AND concert_id = ?2 ORDER BY seq DESC LIMIT 1",
            userID, concertID, read: { $0.string(0) })
        guard let latest else {
            throw ConcertError(.tokenUnknown, "User \(userID.uuidString.lowercased()) has no token for concert \(concertID).")
        }
        return latest
    }

    /// Write: the user's unpaid, live holds on seats of the concert lapse now (their seats are free again);
    /// returns how many.
    private func releaseHolds(userID: UUID, concertID: Int64) throws -> Int {
        let holds = try db.all(
            """
            SELECT id, held_ms FROM reservations
            WHERE user_id = ?1 AND concert_id = ?2 AND paid_ms IS NULL AND expires_ms > ?3
            """, userID, concertID, now, read: { (id: $0.int64(0), heldMs: $0.int64(1)) })
        for hold in holds {
            let lapse = max(now, hold.heldMs + 1)
            try db.execute("UPDATE reservations SET expires_ms = ?2 WHERE id = ?1", hold.id, lapse)
            try db.execute(
                "UPDATE seats SET hold_expires_ms = ?2 WHERE hold_reservation_id = ?1 AND sold_reservation_id IS NULL",
                hold.id, lapse)
        }
        return holds.count
    }

    /// Write: logs one change of the sale, now, made by `madeBy`; returns it.
    @discardableResult
    func logSaleChange(concertID: Int64, what: String, old: String, new: String, by madeBy: Operator) throws
        -> SaleChange
    {
        let id = try db.insert(
            """
            INSERT INTO sale_changes (concert_id, at_ms, what, old_value, new_value, made_by)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """, concertID, now, what, old, new, madeBy.name)
        return SaleChange(id: id, concertID: concertID, atMs: now, what: what, old: old, new: new, madeBy: madeBy.name)
    }

    /// The sale's changes, newest first, at most `limit`. CONCERT_NOT_FOUND.
    func saleChanges(concertID: Int64, limit: Int) throws -> [SaleChange] {
        _ = try saleRecord(concertID)
        return try db.all(
            """
            SELECT id, at_ms, what, old_value, new_value, made_by FROM sale_changes
            WHERE concert_id = ?1 ORDER BY id DESC LIMIT ?2
            """, concertID, limit
        ) { row in
            SaleChange(
                id: row.int64(0), concertID: concertID, atMs: row.int64(1), what: row.string(2), old: row.string(3),
                new: row.string(4), madeBy: row.string(5))
        }
    }

    /// The figures of the sale of `record` now (see ``SaleStats``); a few indexed reads, no count over the line.
    func saleStats(_ record: SaleRecord) throws -> SaleStats {
        let concertID = record.sale.concertID
        let line = try saleLine(of: record)
        let unplaced = record.preQueued - record.preQueuePlaced
        let admitted =
            record.admittedThrough - (try droppedPlaces(in: record, after: 0, before: record.admittedThrough + 1))
        let left = try db.first("SELECT left_count FROM sales WHERE concert_id = ?1", concertID, read: { $0.int64(0) })
        let paid = try db.first(
            "SELECT count(*) FROM seats WHERE concert_id = ?1 AND sold_reservation_id IS NOT NULL", concertID,
            read: { $0.int64(0) })
        let headJoined = try db.first(
            """
            SELECT issued_ms FROM tokens WHERE concert_id = ?1 AND place > ?2 AND abandoned_ms IS NULL
            ORDER BY place LIMIT 1
            """, concertID, record.admittedThrough, read: { $0.int64(0) })
        let servers = try db.all(
            "SELECT id FROM servers WHERE heartbeat_ms > ?1 ORDER BY id", now - 60_000, read: { $0.string(0) })
        let inLine = line.waiting
        let observed = try observedAdmissions(concertID: concertID)
        let timeToEmpty: Int64? =
            if record.sale.isAdmissionPaused && inLine > 0 {
                nil
            } else {
                WaitEstimate.milliseconds(
                    position: inLine, admittedInShortWindow: observed.short, admittedInLongWindow: observed.long)
                    ?? (inLine == 0 ? 0 : nil)
            }
        return SaleStats(
            sale: record.sale, preQueued: unplaced, waiting: line.waiting - unplaced, active: line.active,
            admitted: admitted, admittedLastMinute: line.admittedLastMinute, dropped: record.dropped, left: left ?? 0,
            paid: paid ?? 0, oldestWaitingMs: headJoined.map { max(0, now - $0) }, timeToEmptyMs: timeToEmpty,
            servers: servers, atMs: now)
    }
}
