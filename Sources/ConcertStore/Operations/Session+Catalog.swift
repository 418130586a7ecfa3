import ConcertDomain

extension Session {
    /// Write: inserts the catalog's concerts, their sales, dates and seats that do not exist yet (by concert id
    /// and by (concert, date)); existing rows are left untouched. A sale's times relative to loading count from
    /// `now`, and what it leaves out comes from the store's default queue policy. The catalog is validated first
    /// (INVALID_CATALOG). With `madeBy`, each concert and date added is logged as a change of its sale.
    /// Returns what was added.
    @discardableResult
    func load(_ catalog: Catalog, by madeBy: Operator? = nil) throws -> CatalogAddition {
        try catalog.validate()
        var added = CatalogAddition()
        for concert in catalog.concerts {
            let insertedConcert = try db.execute(
                "INSERT INTO concerts (id, title, artist, venue) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO NOTHING",
                concert.id, concert.title, concert.artist, concert.venue)
            let sale = (concert.sale ?? Catalog.SaleEntry()).sale(concertID: concert.id, now: now, defaults: queuePolicy)
            if let closes = sale.closesAtMs, closes <= sale.opensAtMs {
                throw ConcertError(.invalidCatalog, "concert \(concert.id): its sale closes before it opens.")
            }
            try createSale(sale)
            if insertedConcert == 1 {
                added.concertIDs.append(concert.id)
                if let madeBy {
                    try logSaleChange(concertID: concert.id, what: "catalog", old: "", new: "concert added", by: madeBy)
                }
            }
            for entry in concert.dates {
                guard let startsAtMs = entry.startsAtMs else { throw ConcertError(.invalidCatalog) }
                let inserted = try db.execute(
                    """
                    INSERT INTO concert_dates (concert_id, date, starts_at_ms) VALUES (?1, ?2, ?3)
                    ON CONFLICT (concert_id, date) DO NOTHING
                    """, concert.id, entry.date, startsAtMs)
                guard inserted == 1 else { continue }
                added.dates += 1
                if let madeBy {
                    try logSaleChange(
                        concertID: concert.id, what: "catalog", old: "", new: "date \(entry.date) added", by: madeBy)
                }
                for (offset, price) in entry.prices.enumerated() {
                    try db.execute(
                        "INSERT INTO seats (concert_id, date, number, price) VALUES (?1, ?2, ?3, ?4)",
                        concert.id, entry.date, SeatPolicy.seatNumbers.lowerBound + offset, price)
                }
            }
        }
        return added
    }

    /// Write: loads `catalog` only when the store has no concert at all.
    func loadIfEmpty(_ catalog: Catalog) throws {
        let hasConcerts = try db.first("SELECT EXISTS (SELECT 1 FROM concerts)", read: { $0.bool(0) }) ?? false
        if !hasConcerts {
            try load(catalog)
        }
    }

    /// Every concert with its sale, by id.
    func concerts() throws -> [Concert] {
        try db.all(
            """
            SELECT c.id, c.title, c.artist, c.venue,
                   s.concert_id, s.opens_ms, s.closes_ms, s.pre_queue_window_ms, s.max_active,
                   s.admissions_per_interval, s.admission_interval_ms, s.active_lifetime_ms, s.active_idle_ms,
                   s.last_place, s.admitted_through, s.pre_queued, s.pre_queue_size, s.pre_queue_placed, s.dropped, s.admission_paused_ms
            FROM concerts AS c LEFT JOIN sales AS s ON s.concert_id = c.id
            ORDER BY c.id
            """
        ) { row in
            Concert(
                id: row.int64(0), title: row.string(1), artist: row.string(2), venue: row.string(3),
                sale: row.optionalInt64(4) == nil ? nil : SaleRecord(row: row, offset: 4).sale)
        }
    }

    /// The concert's dates with at least one free seat, by date; CONCERT_NOT_FOUND for an unknown concert.
    func availableDates(concertID: Int64) throws -> [ConcertDate] {
        try requireConcert(concertID)
        return try db.all(
            """
            SELECT d.date, d.starts_at_ms,
                (SELECT count(*) FROM seats AS s
                 WHERE s.concert_id = d.concert_id AND s.date = d.date AND s.sold_reservation_id IS NULL
                   AND (s.hold_expires_ms IS NULL OR s.hold_expires_ms <= ?2)) AS free
            FROM concert_dates AS d
            WHERE d.concert_id = ?1
            ORDER BY d.date
            """, concertID, now
        ) { row in
            ConcertDate(concertID: concertID, date: row.string(0), startsAtMs: row.int64(1), freeSeats: row.int(2))
        }.filter { $0.freeSeats > 0 }
    }

    /// All 50 seats of the date with whether each is free now; INVALID_DATE, CONCERT_NOT_FOUND, DATE_NOT_FOUND.
    func seats(concertID: Int64, date: String) throws -> [Seat] {
        try Validation.date(date)
        let seats = try db.all(
            """
            SELECT number, price,
                sold_reservation_id IS NULL AND (hold_expires_ms IS NULL OR hold_expires_ms <= ?3)
            FROM seats
            WHERE concert_id = ?1 AND date = ?2
            ORDER BY number
            """, concertID, date, now
        ) { row in
            Seat(number: row.int(0), price: row.int64(1), isFree: row.bool(2))
        }
        guard !seats.isEmpty else { throw try missingDate(concertID: concertID, date: date) }
        return seats
    }

    /// Throws CONCERT_NOT_FOUND unless the concert exists.
    func requireConcert(_ concertID: Int64) throws {
        let exists = try db.first("SELECT EXISTS (SELECT 1 FROM concerts WHERE id = ?1)", concertID, read: { $0.bool(0) })
        guard exists == true else { throw ConcertError(.concertNotFound, "Concert \(concertID) does not exist.") }
    }

    /// The error for a (concert, date) that has no seats: CONCERT_NOT_FOUND or DATE_NOT_FOUND.
    func missingDate(concertID: Int64, date: String) throws -> ConcertError {
        try requireConcert(concertID)
        return ConcertError(.dateNotFound, "Concert \(concertID) has no performance on \(date).")
    }
}
