import Foundation

/// The concerts, dates and seat prices to put on sale, as read from JSON.
///
/// ```json
/// {"concerts": [{"id": 1, "title": "…", "artist": "…", "venue": "…",
///   "dates": [{"date": "2027-03-06", "startsAt": "2027-03-06T19:00:00+09:00", "price": 99000}]}]}
/// ```
/// A date gives either `price` (for all 50 seats) or `seatPrices` (exactly 50 prices, seat 1 first).
/// A concert may give its `sale` (see ``SaleEntry``).
public struct Catalog: Codable, Sendable, Equatable {
    /// One concert of the catalog.
    public struct ConcertEntry: Codable, Sendable, Equatable {
        /// The concert's id (> 0, unique within the catalog).
        public var id: Int64
        /// The title of the show.
        public var title: String
        /// Who performs.
        public var artist: String
        /// Where it takes place.
        public var venue: String
        /// Its performance dates.
        public var dates: [DateEntry]
        /// Its sale; nil opens it at loading with the server's default settings.
        public var sale: SaleEntry?

        /// Creates a concert entry.
        public init(
            id: Int64, title: String, artist: String, venue: String, dates: [DateEntry], sale: SaleEntry? = nil
        ) {
            self.id = id
            self.title = title
            self.artist = artist
            self.venue = venue
            self.dates = dates
            self.sale = sale
        }
    }

    /// One performance date of a catalog concert.
    public struct DateEntry: Codable, Sendable, Equatable {
        /// The calendar date, "YYYY-MM-DD" (unique within its concert).
        public var date: String
        /// When the show starts, ISO-8601 with a time zone, e.g. "2027-03-06T19:00:00+09:00".
        public var startsAt: String
        /// One price for all 50 seats; exclusive with `seatPrices`.
        public var price: Int64?
        /// Exactly 50 prices, seat 1 first; exclusive with `price`.
        public var seatPrices: [Int64]?

        /// Creates a date entry with one price for every seat.
        public init(date: String, startsAt: String, price: Int64) {
            self.date = date
            self.startsAt = startsAt
            self.price = price
            self.seatPrices = nil
        }

        /// Creates a date entry with a price per seat (seat 1 first).
        public init(date: String, startsAt: String, seatPrices: [Int64]) {
            self.date = date
            self.startsAt = startsAt
            self.price = nil
            self.seatPrices = seatPrices
        }

        /// The price of every seat, seat 1 first (50 entries once the catalog is valid).
        public var prices: [Int64] {
            seatPrices ?? Array(repeating: price ?? 0, count: SeatPolicy.seatCount)
        }

        /// When the show starts as Unix milliseconds, or nil if `startsAt` is not ISO-8601 with a time zone.
        public var startsAtMs: Int64? {
            ISO8601Instant.milliseconds(startsAt)
        }
    }

    /// The concerts on sale.
    public var concerts: [ConcertEntry]

    /// Creates a catalog.
    public init(concerts: [ConcertEntry]) {
        self.concerts = concerts
    }

    /// Decodes a catalog from JSON and validates it; malformed JSON or content is INVALID_CATALOG.
    public static func decode(jsonData: Data) throws -> Catalog {
        let catalog: Catalog
        do {
            catalog = try JSONDecoder().decode(Catalog.self, from: jsonData)
        } catch let error as DecodingError {
            throw ConcertError(.invalidCatalog, "The catalog JSON is malformed: \(CatalogDecodingMessage.describe(error))")
        } catch {
            throw ConcertError(.invalidCatalog, "The catalog JSON is malformed.")
        }
        try catalog.validate()
        return catalog
    }
}
