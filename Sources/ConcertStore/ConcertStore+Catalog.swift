import ConcertDomain

extension ConcertStore {
    /// Inserts the catalog's concerts, dates and seats that do not exist yet (by concert id and by
    /// (concert, date)); existing rows are left untouched. INVALID_CATALOG for an invalid catalog.
    public func loadCatalog(_ catalog: Catalog) async throws {
        try catalog.validate()
        _ = try await write(scope: .everything) { session in try session.load(catalog) }
    }

    /// Loads `Catalog.demo` only when the store has no concerts (decided inside the write transaction).
    public func seedDemoCatalogIfEmpty() async throws {
        try await write(scope: .everything) { session in try session.loadIfEmpty(.demo) }
    }

    /// Every concert, by id (``Reads/concerts()``, waited for).
    public func concerts() throws -> [Concert] {
        try reads.concerts().wait()
    }

    /// The concert's dates with at least one free seat now, by date; CONCERT_NOT_FOUND.
    public func availableDates(concertID: Int64) throws -> [ConcertDate] {
        try reading { session in try session.availableDates(concertID: concertID) }.wait()
    }

    /// All 50 seats of the date with whether each is free now; INVALID_DATE, CONCERT_NOT_FOUND, DATE_NOT_FOUND.
    public func seats(concertID: Int64, date: String) throws -> [Seat] {
        try Validation.date(date)
        return try reading { session in try session.seats(concertID: concertID, date: date) }.wait()
    }

    /// ``Reads/availableDates(token:concertID:)``, waited for.
    public func availableDates(token: String, concertID: Int64) throws -> [ConcertDate] {
        try reads.availableDates(token: token, concertID: concertID).wait()
    }

    /// ``Reads/seats(token:concertID:date:)``, waited for.
    public func seats(token: String, concertID: Int64, date: String) throws -> [Seat] {
        try reads.seats(token: token, concertID: concertID, date: date).wait()
    }
}
