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

    /// The stable machine-readable reason of a failure; the raw value is sent on the wire.
    public enum Reason: String, Sendable, CaseIterable {
        /// The user id is not a canonical UUID.
        case invalidUserID = "INVALID_USER_ID"
        /// No token was presented.
        case tokenMissing = "TOKEN_MISSING"
        /// The token is not one this service issued.
        case tokenUnknown = "TOKEN_UNKNOWN"
        /// The token expired (its active time ran out, or it was used to pay).
        case tokenExpired = "TOKEN_EXPIRED"
        /// The token is still waiting in line (or pre-queued) where an active token is needed.
        case tokenNotActive = "TOKEN_NOT_ACTIVE"
        /// The token was dropped from the line: its holder left or stopped calling.
        case tokenAbandoned = "TOKEN_ABANDONED"
        /// The token belongs to another concert's sale.
        case tokenWrongConcert = "TOKEN_WRONG_CONCERT"
        /// The concert id is missing (0) or negative.
        case invalidConcertID = "INVALID_CONCERT_ID"
        /// The sale has not reached its pre-queue window.
        case saleNotOpen = "SALE_NOT_OPEN"
        /// The sale has closed.
        case saleClosed = "SALE_CLOSED"
        /// The seat number is outside 1...50.
        case invalidSeatNumber = "INVALID_SEAT_NUMBER"
        /// The date is not a real calendar date written YYYY-MM-DD.
        case invalidDate = "INVALID_DATE"
        /// No concert has the given id.
        case concertNotFound = "CONCERT_NOT_FOUND"
        /// The concert has no performance on the given date.
        case dateNotFound = "DATE_NOT_FOUND"
        /// Someone else holds the seat.
        case seatAlreadyHeld = "SEAT_ALREADY_HELD"
        /// The seat is sold.
        case seatAlreadySold = "SEAT_ALREADY_SOLD"
        /// No reservation has the given id.
        case reservationNotFound = "RESERVATION_NOT_FOUND"
        /// The reservation's hold lapsed before payment.
        case holdExpired = "HOLD_EXPIRED"
        /// The user already has as many live holds as `HoldPolicy.maxHoldsPerUser` allows.
        case holdLimitReached = "HOLD_LIMIT_REACHED"
        /// The reservation is already paid.
        case reservationAlreadyPaid = "RESERVATION_ALREADY_PAID"
        /// The balance does not cover the price.
        case insufficientBalance = "INSUFFICIENT_BALANCE"
        /// The amount is zero or negative.
        case invalidAmount = "INVALID_AMOUNT"
        /// The amount exceeds `MoneyPolicy.maxChargeAmount`.
        case amountTooLarge = "AMOUNT_TOO_LARGE"
        /// The balance would exceed `MoneyPolicy.maxBalance`.
        case balanceLimitExceeded = "BALANCE_LIMIT_EXCEEDED"
        /// The idempotency key was used before with a different amount.
        case idempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED"
        /// The idempotency key is longer than `MoneyPolicy.maxIdempotencyKeyBytes` bytes of UTF-8.
        case invalidIdempotencyKey = "INVALID_IDEMPOTENCY_KEY"
        /// The catalog is malformed.
        case invalidCatalog = "INVALID_CATALOG"
        /// The store could not get its write lock in time, or is closed.
        case storeBusy = "STORE_BUSY"
        /// The database's disk is full; nothing was written.
        case storageFull = "STORAGE_FULL"
        /// The database cannot be written (read-only or an I/O failure); nothing was written.
        case storageUnavailable = "STORAGE_UNAVAILABLE"

        /// The category this reason belongs to.
        public var kind: Kind {
            switch self {
            case .invalidUserID, .invalidSeatNumber, .invalidDate, .invalidAmount, .amountTooLarge,
                .invalidIdempotencyKey, .invalidCatalog, .invalidConcertID:
                .invalidArgument
            case .tokenMissing, .tokenUnknown, .tokenExpired, .tokenAbandoned:
                .unauthenticated
            case .tokenNotActive, .holdExpired, .insufficientBalance, .balanceLimitExceeded,
                .idempotencyKeyReused, .saleNotOpen, .saleClosed:
                .failedPrecondition
            case .tokenWrongConcert:
                .permissionDenied
            case .concertNotFound, .dateNotFound, .reservationNotFound:
                .notFound
            case .seatAlreadyHeld, .seatAlreadySold, .reservationAlreadyPaid:
                .alreadyExists
            case .storeBusy, .storageFull, .storageUnavailable:
                .unavailable
            case .holdLimitReached:
                .resourceExhausted
            }
        }

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
            }
        }
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
