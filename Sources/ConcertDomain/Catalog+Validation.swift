extension Catalog {
    /// Checks the whole catalog; the first problem found is thrown as INVALID_CATALOG with a message naming it:
    /// a concert id ≤ 0 or repeated, an empty title/artist/venue, a date not YYYY-MM-DD or repeated within its
    /// concert, a `startsAt` that is not ISO-8601 with a time zone, neither or both of `price`/`seatPrices`,
    /// a `seatPrices` count other than 50, or a negative price.
    public func validate() throws {
        var seenIDs = Set<Int64>()
        for (index, concert) in concerts.enumerated() {
            let at = "concerts[\(index)]"
            guard concert.id > 0 else { throw invalid("\(at): id \(concert.id) must be greater than 0.") }
            guard seenIDs.insert(concert.id).inserted else { throw invalid("\(at): duplicate concert id \(concert.id).") }
            for (field, value) in [("title", concert.title), ("artist", concert.artist), ("venue", concert.venue)]
            where value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw invalid("\(at): \(field) must not be empty.")
            }
            try validateDates(of: concert, at: at)
            if let problem = concert.sale?.problem() { throw invalid("\(at).sale: \(problem)") }
        }
    }

    private func validateDates(of concert: ConcertEntry, at: String) throws {
        var seenDates = Set<String>()
        for (index, entry) in concert.dates.enumerated() {
            let here = "\(at).dates[\(index)]"
            guard CalendarDate(entry.date) != nil else {
                throw invalid("\(here): date \"\(entry.date)\" is not a calendar date written YYYY-MM-DD.")
            }
            guard seenDates.insert(entry.date).inserted else {
                throw invalid("\(here): duplicate date \(entry.date) for concert \(concert.id).")
            }
            guard entry.startsAtMs != nil else {
                throw invalid("\(here): startsAt \"\(entry.startsAt)\" is not an ISO-8601 date-time with a time zone.")
            }
            try validatePrices(of: entry, at: here)
        }
    }

    private func validatePrices(of entry: DateEntry, at: String) throws {
        switch (entry.price, entry.seatPrices) {
        case (nil, nil):
            throw invalid("\(at): give either price or seatPrices.")
        case (.some, .some):
            throw invalid("\(at): give price or seatPrices, not both.")
        case (.some(let price), nil):
            guard price >= 0 else { throw invalid("\(at): price \(price) must not be negative.") }
        case (nil, .some(let prices)):
            guard prices.count == SeatPolicy.seatCount else {
                throw invalid("\(at): seatPrices has \(prices.count) entries; exactly \(SeatPolicy.seatCount) are needed.")
            }
            if let seat = prices.firstIndex(where: { $0 < 0 }) {
                throw invalid("\(at): seatPrices[\(seat)] is \(prices[seat]); prices must not be negative.")
            }
        }
    }

    private func invalid(_ message: String) -> ConcertError {
        ConcertError(.invalidCatalog, message)
    }
}
