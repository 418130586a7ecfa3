import ConcertDomain

extension ConcertStore {
    /// Inserts the catalog's concerts, dates and seats that do not exist yet (by concert id and by
    /// (concert, date)); existing rows are left untouched. INVALID_CATALOG for an invalid catalog.
    public func loadCatalog(_ catalog: Catalog) async throws {
        try catalog.validate()
        try await write { session in try session.load(catalog) }
    }

    /// Loads `Catalog.demo` only when the store has no concerts (decided inside the write transaction).
    public func seedDemoCatalogIfEmpty() async throws {
        try await write { session in try session.loadIfEmpty(.demo) }
    }

    /// Every concert, by id.
    public func concerts() throws -> [Concert] {
        try read { session in try session.concerts() }
    }

    /// The concert's dates with at least one free seat now, by date; CONCERT_NOT_FOUND.
    public func availableDates(concertID: Int64) throws -> [ConcertDate] {
        try read { session in try session.availableDates(concertID: concertID) }
    }

    /// All 50 seats of the date with whether each is free now; INVALID_DATE, CONCERT_NOT_FOUND, DATE_NOT_FOUND.
    public func seats(concertID: Int64, date: String) throws -> [Seat] {
        try Validation.date(date)
        return try read { session in try session.seats(concertID: concertID, date: date) }
    }

    // The same two reads for a caller who must present an issued token (any state; TOKEN_MISSING or
    // TOKEN_UNKNOWN otherwise), checked in the same read transaction as the listing.

    /// The concert's dates with a free seat, for the holder of any issued `token`.
    public func availableDates(token: String, concertID: Int64) throws -> [ConcertDate] {
        try read { session in
            _ = try session.token(token)
            return try session.availableDates(concertID: concertID)
        }
    }

    /// All 50 seats of the date, for the holder of any issued `token`.
    public func seats(token: String, concertID: Int64, date: String) throws -> [Seat] {
        try read { session in
            _ = try session.token(token)
            try Validation.date(date)
            return try session.seats(concertID: concertID, date: date)
        }
    }
}
