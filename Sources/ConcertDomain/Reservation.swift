import Foundation

/// Where a reservation stands.
public enum ReservationState: Sendable {
    /// The seat is held for the user until the hold expires.
    case held
    /// The seat is paid for and sold to the user.
    case paid
    /// The hold expired unpaid; the seat was freed at that instant.
    case lapsed

    /// The state of a reservation paid at `paidAtMs` (nil if unpaid) whose hold ends at `expiresAtMs`, at `now`.
    public static func derive(paidAtMs: Int64?, expiresAtMs: Int64, now: Int64) -> ReservationState {
        if paidAtMs != nil { return .paid }
        return expiresAtMs > now ? .held : .lapsed
    }
}

/// A user's claim on one seat of one concert date.
public struct Reservation: Sendable, Equatable {
    /// The reservation's id.
    public var id: Int64
    /// The user who made it.
    public var userID: UUID
    /// The concert.
    public var concertID: Int64
    /// The performance date, "YYYY-MM-DD".
    public var date: String
    /// The seat number, 1...50.
    public var seatNumber: Int
    /// The price of the seat when it was reserved.
    public var price: Int64
    /// The state at the time of the read.
    public var state: ReservationState
    /// When the hold began (Unix ms).
    public var heldAtMs: Int64
    /// When the hold lapses unless paid (Unix ms).
    public var expiresAtMs: Int64
    /// When it was paid (Unix ms), if it was.
    public var paidAtMs: Int64?

    /// Creates a reservation.
    public init(
        id: Int64, userID: UUID, concertID: Int64, date: String, seatNumber: Int, price: Int64,
        state: ReservationState, heldAtMs: Int64, expiresAtMs: Int64, paidAtMs: Int64?
    ) {
        self.id = id
        self.userID = userID
        self.concertID = concertID
        self.date = date
        self.seatNumber = seatNumber
        self.price = price
        self.state = state
        self.heldAtMs = heldAtMs
        self.expiresAtMs = expiresAtMs
        self.paidAtMs = paidAtMs
    }
}
