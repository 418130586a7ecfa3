/// A domain failure: a category (mapped by the server to a gRPC status code), a stable machine-readable
/// reason, and a human message that never leaks internals.
public struct ConcertError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The category of a failure; the server maps each to a gRPC status code.
    public enum Kind: Sendable {
        /// The request itself is malformed.
        case invalidArgument
        /// A named entity does not exist.
        case notFound
        /// The entity the request would create already exists.
        case alreadyExists
        /// The caller may not act on the entity.
        case permissionDenied
        /// The system is not in the state the request needs.
        case failedPrecondition
        /// A quota or limit is used up.
        case resourceExhausted
        /// The caller is not (or no longer) identified.
        case unauthenticated
        /// The service cannot answer now; retrying later may succeed.
        case unavailable
        /// The operation was aborted by a conflict.
        case aborted
        /// An unexpected internal failure.
        case internalError
    }

    /// The machine-readable reason.
    public var reason: Reason
    /// A human message, safe to show to clients.
    public var message: String
    /// A detail for the server log only, never sent: what the reason deliberately does not tell
    /// the client (for example that a reservation exists but belongs to someone else).
    public var logNote: String?
    /// The category, derived from the reason.
    public var kind: Kind { reason.kind }

    /// Creates an error with `reason` and an optional specific message (else the reason's default message).
    public init(_ reason: Reason, _ message: String? = nil, logNote: String? = nil) {
        self.reason = reason
        self.message = message ?? reason.defaultMessage
        self.logNote = logNote
    }

    /// Two errors are equal when their reasons and messages are; the log note is not compared.
    public static func == (lhs: ConcertError, rhs: ConcertError) -> Bool {
        lhs.reason == rhs.reason && lhs.message == rhs.message
    }

    /// `REASON: message`.
    public var description: String { "\(reason.rawValue): \(message)" }
}

extension ConcertError.Reason {
    /// A generic human message for this reason.
    public var defaultMessage: String {
        switch self {
        case .invalidUserID: "The user id must be a canonical UUID."
        case .tokenMissing: "A queue token is required."
        case .tokenUnknown: "The queue token is not recognised."
        case .tokenExpired: "The queue token has expired; request a new one."
        case .tokenNotActive: "The queue token is still waiting in line."
        case .tokenAbandoned: "The queue token was dropped from the line; request a new one to queue again."
        case .tokenWrongConcert: "The queue token is for another concert's sale."
        case .invalidConcertID: "A concert id (greater than 0) is required."
        case .saleNotOpen: "The sale is not open yet."
        case .saleClosed: "The sale has closed."
        case .invalidSeatNumber: "The seat number must be between 1 and 50."
        case .invalidDate: "The date must be a calendar date written YYYY-MM-DD."
        case .concertNotFound: "The concert does not exist."
        case .dateNotFound: "The concert has no performance on that date."
        case .seatAlreadyHeld: "The seat is held by someone else."
        case .seatAlreadySold: "The seat is already sold."
        case .reservationNotFound: "The reservation does not exist."
        case .holdExpired: "The hold on the seat has lapsed."
        case .holdLimitReached: "You already hold as many seats as one fan may; pay for or release one first."
        case .reservationAlreadyPaid: "The reservation is already paid."
        case .insufficientBalance: "The balance does not cover the price."
        case .invalidAmount: "The amount must be greater than zero."
        case .amountTooLarge: "The amount exceeds the largest single charge."
        case .balanceLimitExceeded: "The balance would exceed its limit."
        case .idempotencyKeyReused: "The idempotency key was already used with a different amount."
        case .invalidIdempotencyKey: "The idempotency key is longer than 128 bytes of UTF-8."
        case .invalidCatalog: "The catalog is invalid."
        case .storeBusy: "The service is busy; try again shortly."
        case .storageFull: "The server's storage is full; try again later."
        case .storageUnavailable: "The server's storage cannot be written now; try again later."
        case .databaseUnreachable: "The database cannot be reached now; try again shortly."
        case .lineViewBehind: "This server's view of the line is behind the database; try again shortly."
        case .tokenRevoked: "An operator revoked the queue token; request a new one to queue again."
        case .invalidSaleSetting: "A sale setting is out of range."
        case .saleAlreadyOpen: "The sale has opened; its opening time can no longer change."
        case .tokenNotNamed: "Name the token, or the user id and concert id."
        }
    }
}
