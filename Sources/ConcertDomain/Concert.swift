/// A concert on sale.
public struct Concert: Sendable, Equatable {
    /// The concert's id (> 0).
    public var id: Int64
    /// The title of the show.
    public var title: String
    /// Who performs.
    public var artist: String
    /// Where it takes place.
    public var venue: String
    /// Its sale.
    public var sale: Sale?

    /// Creates a concert.
    public init(id: Int64, title: String, artist: String, venue: String, sale: Sale? = nil) {
        self.id = id
        self.title = title
        self.artist = artist
        self.venue = venue
        self.sale = sale
    }
}

/// One performance date of a concert, with how many seats are free at the time of the read.
public struct ConcertDate: Sendable, Equatable {
    /// The concert performing.
    public var concertID: Int64
    /// The calendar date, "YYYY-MM-DD".
    public var date: String
    /// When the show starts (Unix ms).
    public var startsAtMs: Int64
    /// How many of the 50 seats are free.
    public var freeSeats: Int

    /// Creates a concert date.
    public init(concertID: Int64, date: String, startsAtMs: Int64, freeSeats: Int) {
        self.concertID = concertID
        self.date = date
        self.startsAtMs = startsAtMs
        self.freeSeats = freeSeats
    }
}

/// One seat of a concert date.
public struct Seat: Sendable, Equatable {
    /// The seat number, 1...50.
    public var number: Int
    /// The price in minor currency units.
    public var price: Int64
    /// Whether the seat is neither sold nor under a live hold.
    public var isFree: Bool

    /// Creates a seat.
    public init(number: Int, price: Int64, isFree: Bool) {
        self.number = number
        self.price = price
        self.isFree = isFree
    }
}
