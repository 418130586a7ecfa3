import ConcertDomain
import Testing

@Suite struct ConcertErrorTests {
    @Test func rawValuesAreScreamingSnakeCaseOfTheCaseNames() {
        let expected: [ConcertError.Reason: String] = [
            .invalidUserID: "INVALID_USER_ID", .tokenMissing: "TOKEN_MISSING", .tokenUnknown: "TOKEN_UNKNOWN",
            .tokenExpired: "TOKEN_EXPIRED", .tokenNotActive: "TOKEN_NOT_ACTIVE", .invalidSeatNumber: "INVALID_SEAT_NUMBER",
            .invalidDate: "INVALID_DATE", .concertNotFound: "CONCERT_NOT_FOUND", .dateNotFound: "DATE_NOT_FOUND",
            .seatAlreadyHeld: "SEAT_ALREADY_HELD", .seatAlreadySold: "SEAT_ALREADY_SOLD",
            .reservationNotFound: "RESERVATION_NOT_FOUND",
            .holdExpired: "HOLD_EXPIRED", .holdLimitReached: "HOLD_LIMIT_REACHED",
            .reservationAlreadyPaid: "RESERVATION_ALREADY_PAID",
            .insufficientBalance: "INSUFFICIENT_BALANCE", .invalidAmount: "INVALID_AMOUNT",
            .amountTooLarge: "AMOUNT_TOO_LARGE", .balanceLimitExceeded: "BALANCE_LIMIT_EXCEEDED",
            .idempotencyKeyReused: "IDEMPOTENCY_KEY_REUSED", .invalidIdempotencyKey: "INVALID_IDEMPOTENCY_KEY",
            .invalidCatalog: "INVALID_CATALOG", .storeBusy: "STORE_BUSY", .storageFull: "STORAGE_FULL",
            .storageUnavailable: "STORAGE_UNAVAILABLE", .databaseUnreachable: "DATABASE_UNREACHABLE", .lineViewBehind: "LINE_VIEW_BEHIND", .tokenAbandoned: "TOKEN_ABANDONED",
            .tokenWrongConcert: "TOKEN_WRONG_CONCERT", .invalidConcertID: "INVALID_CONCERT_ID",
            .saleNotOpen: "SALE_NOT_OPEN", .saleClosed: "SALE_CLOSED", .tokenRevoked: "TOKEN_REVOKED",
            .invalidSaleSetting: "INVALID_SALE_SETTING", .saleAlreadyOpen: "SALE_ALREADY_OPEN",
            .tokenNotNamed: "TOKEN_NOT_NAMED",
        ]
        #expect(ConcertError.Reason.allCases.count == expected.count)
        for reason in ConcertError.Reason.allCases {
            #expect(reason.rawValue == expected[reason])
        }
    }

    @Test func kindsFollowTheContract() {
        let expected: [ConcertError.Reason: ConcertError.Kind] = [
            .invalidUserID: .invalidArgument, .tokenMissing: .unauthenticated, .tokenUnknown: .unauthenticated,
            .tokenExpired: .unauthenticated, .tokenNotActive: .failedPrecondition, .invalidSeatNumber: .invalidArgument,
            .invalidDate: .invalidArgument, .concertNotFound: .notFound, .dateNotFound: .notFound,
            .seatAlreadyHeld: .alreadyExists, .seatAlreadySold: .alreadyExists, .reservationNotFound: .notFound,
            .holdExpired: .failedPrecondition,
            .holdLimitReached: .resourceExhausted,
            .reservationAlreadyPaid: .alreadyExists, .insufficientBalance: .failedPrecondition,
            .invalidAmount: .invalidArgument, .amountTooLarge: .invalidArgument,
            .balanceLimitExceeded: .failedPrecondition, .idempotencyKeyReused: .failedPrecondition,
            .invalidIdempotencyKey: .invalidArgument, .invalidCatalog: .invalidArgument, .storeBusy: .unavailable,
            .storageFull: .unavailable, .storageUnavailable: .unavailable, .databaseUnreachable: .unavailable, .lineViewBehind: .unavailable, .tokenAbandoned: .unauthenticated,
            .tokenWrongConcert: .permissionDenied, .invalidConcertID: .invalidArgument,
            .saleNotOpen: .failedPrecondition, .saleClosed: .failedPrecondition, .tokenRevoked: .unauthenticated,
            .invalidSaleSetting: .invalidArgument, .saleAlreadyOpen: .failedPrecondition,
            .tokenNotNamed: .invalidArgument,
        ]
        for reason in ConcertError.Reason.allCases {
            #expect(reason.kind == expected[reason], "\(reason)")
            #expect(ConcertError(reason).kind == expected[reason])
        }
    }

    @Test func messagesDefaultPerReasonAndCanBeSpecific() {
        #expect(ConcertError(.holdExpired).message == ConcertError.Reason.holdExpired.defaultMessage)
        #expect(ConcertError(.holdExpired, "Too late.").message == "Too late.")
        #expect(ConcertError(.holdExpired, "Too late.").description == "HOLD_EXPIRED: Too late.")
        for reason in ConcertError.Reason.allCases {
            #expect(!reason.defaultMessage.isEmpty)
        }
    }
}
