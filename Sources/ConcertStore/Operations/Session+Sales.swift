import ConcertDomain

extension Session {
    /// The sale of `concertID`; CONCERT_NOT_FOUND when there is none.
    func saleRecord(_ concertID: Int64) throws -> SaleRecord {
        let record = try db.first(
            """
            SELECT concert_id, opens_ms, closes_ms, pre_queue_window_ms, max_active, admissions_per_interval,
                   admission_interval_ms, active_lifetime_ms, active_idle_ms, last_place, admitted_through,
                   pre_queued, pre_queue_size, pre_queue_placed, dropped, admission_paused_ms
            FROM sales WHERE concert_id = ?1
            """, concertID, read: { SaleRecord(row: $0) })
        guard let record else { throw ConcertError(.concertNotFound, "Concert \(concertID) does not exist.") }
        return record
    }

    /// Every sale, by concert id.
    func saleRecords() throws -> [SaleRecord] {
        try db.all(
            """
            SELECT concert_id, opens_ms, closes_ms, pre_queue_window_ms, max_active, admissions_per_interval,
                   admission_interval_ms, active_lifetime_ms, active_idle_ms, last_place, admitted_through,
                   pre_queued, pre_queue_size, pre_queue_placed, dropped, admission_paused_ms
            FROM sales ORDER BY concert_id
            """, read: { SaleRecord(row: $0) })
    }

    /// Write: creates the sale of `concertID` unless it has one.
    func createSale(_ sale: Sale) throws {
        try db.execute(
            """
            INSERT INTO sales (concert_id, opens_ms, closes_ms, pre_queue_window_ms, max_active,
                               admissions_per_interval, admission_interval_ms, active_lifetime_ms, active_idle_ms)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            ON CONFLICT (concert_id) DO NOTHING
            """, sale.concertID, sale.opensAtMs, sale.closesAtMs, sale.policy.preQueueWindowMs, sale.policy.maxActive,
            sale.policy.admissionsPerInterval, sale.policy.admissionIntervalMs, sale.policy.activeLifetimeMs,
            sale.policy.activeIdleMs)
    }

    /// How many tokens of the sale are active now (a range scan of the partial index `tokens_active`).
    func activeCount(concertID: Int64) throws -> Int64 {
        try db.first(
            "SELECT count(*) FROM tokens WHERE concert_id = ?1 AND closed_ms IS NULL AND expires_ms > ?2",
            concertID, now, read: { $0.int64(0) }) ?? 0
    }

    /// How many places the sale filled after `since` (exclusive).
    func admittedSince(concertID: Int64, _ since: Int64) throws -> Int64 {
        try db.first(
            "SELECT CAST(coalesce(sum(count), 0) AS BIGINT) FROM admissions WHERE concert_id = ?1 AND admitted_ms > ?2",
            concertID, since, read: { $0.int64(0) }) ?? 0
    }

    /// The sale's recent admissions over both estimate windows (cached for up to a second).
    func observedAdmissions(concertID: Int64) throws -> AdmissionRate.Observed {
        try admissionRate.observed(concertID: concertID, now: now) {
            AdmissionRate.Observed(
                short: try admittedSince(concertID: concertID, now - WaitEstimate.shortWindowMs),
                long: try admittedSince(concertID: concertID, now - WaitEstimate.longWindowMs))
        }
    }

    /// The sale's line now, from its counters (no count over the line): the sale, how many wait (pre-queued
    /// included; a pre-queued fan who left is counted until its place is given out at opening), how many are
    /// active, the places filled in the last minute and when it last admitted anyone.
    func saleLine(concertID: Int64) throws -> SaleLine {
        try saleLine(of: saleRecord(concertID))
    }

    /// ``saleLine(concertID:)`` for the sale of `record`, read in this snapshot.
    func saleLine(of record: SaleRecord) throws -> SaleLine {
        let concertID = record.sale.concertID
        let unplaced = record.preQueued - record.preQueuePlaced
        let droppedAhead = try droppedPlaces(
            in: record, after: record.admittedThrough, before: record.lastPlace + 1)
        let placedWaiting = record.lastPlace - record.admittedThrough - droppedAhead
        let lastAdmission = try db.first(
            "SELECT max(admitted_ms) FROM admissions WHERE concert_id = ?1", concertID, read: { $0.optionalInt64(0) })
        return SaleLine(
            sale: record.sale, waiting: unplaced + placedWaiting, active: try activeCount(concertID: concertID),
            admittedLastMinute: try admittedSince(concertID: concertID, now - 60_000),
            lastAdmissionAtMs: lastAdmission ?? nil)
    }

    /// How many places of the sale in `after + 1 ..< before` are dropped, from this process's index
    /// brought up to the snapshot of `record`.
    func droppedPlaces(in record: SaleRecord, after: Int64, before: Int64) throws -> Int64 {
        let concertID = record.sale.concertID
        return try droppedPlaces.count(
            concertID: concertID, after: after, before: before, dropped: record.dropped
        ) { lastID in
            try db.all(
                "SELECT id, place FROM abandonments WHERE concert_id = ?1 AND id > ?2 ORDER BY id",
                concertID, lastID, read: { (id: $0.int64(0), place: $0.int64(1)) })
        }
    }

    /// Brings this process's index of the sale's dropped places up to the snapshot of `record`.
    func catchUpDroppedPlaces(of record: SaleRecord) throws {
        let concertID = record.sale.concertID
        try droppedPlaces.catchUp(concertID: concertID, dropped: record.dropped) { lastID in
            try db.all(
                "SELECT id, place FROM abandonments WHERE concert_id = ?1 AND id > ?2 ORDER BY id",
                concertID, lastID, read: { (id: $0.int64(0), place: $0.int64(1)) })
        }
    }

    /// Write: drops `place` of the sale (a token that left or went silent before admission) in the log that
    /// positions are counted from.
    func recordDrop(concertID: Int64, place: Int64) throws {
        try db.execute("INSERT INTO abandonments (concert_id, place) VALUES (?1, ?2)", concertID, place)
        try db.execute("UPDATE sales SET dropped = dropped + 1 WHERE concert_id = ?1", concertID)
    }
}
