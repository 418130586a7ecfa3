import Foundation

/// Pure checks of request input, run before anything touches storage.
public enum Validation {
    /// Parses a user id that must be a canonical UUID (8-4-4-4-12 hex digits, either case); else INVALID_USER_ID.
    public static func userID(_ text: String) throws -> UUID {
        let bytes = Array(text.utf8)
        let hyphens: Set<Int> = [8, 13, 18, 23]
        guard bytes.count == 36 else { throw ConcertError(.invalidUserID) }
        for (index, byte) in bytes.enumerated() {
            let valid = hyphens.contains(index) ? byte == UInt8(ascii: "-") : isHexDigit(byte)
            guard valid else { throw ConcertError(.invalidUserID) }
        }
        guard let uuid = UUID(uuidString: text) else { throw ConcertError(.invalidUserID) }
        return uuid
    }

    /// Checks that a concert id is positive; else INVALID_CONCERT_ID.
    public static func concertID(_ id: Int64) throws {
        guard id > 0 else { throw ConcertError(.invalidConcertID) }
    }

    /// Checks that a seat number is within `SeatPolicy.seatNumbers`; else INVALID_SEAT_NUMBER.
    public static func seatNumber(_ number: Int) throws {
        guard SeatPolicy.seatNumbers.contains(number) else {
            throw ConcertError(.invalidSeatNumber, "Seat number \(number) is outside 1...50.")
        }
    }

    /// Checks that a date is a real calendar date written YYYY-MM-DD; else INVALID_DATE.
    public static func date(_ text: String) throws {
        guard CalendarDate(text) != nil else {
            throw ConcertError(.invalidDate, "The date must be a calendar date written YYYY-MM-DD.")
        }
    }

    /// Checks a charge amount: > 0 (else INVALID_AMOUNT) and ≤ `MoneyPolicy.maxChargeAmount` (else AMOUNT_TOO_LARGE).
    public static func chargeAmount(_ amount: Int64) throws {
        guard amount > 0 else { throw ConcertError(.invalidAmount) }
        guard amount <= MoneyPolicy.maxChargeAmount else { throw ConcertError(.amountTooLarge) }
    }

    /// Normalises an idempotency key: empty means none; longer than `MoneyPolicy.maxIdempotencyKeyBytes`
    /// bytes of UTF-8 (the unit of every string limit, and of the schema's CHECK) is INVALID_IDEMPOTENCY_KEY.
    public static func idempotencyKey(_ key: String?) throws -> String? {
        guard let key, !key.isEmpty else { return nil }
        guard key.utf8.count <= MoneyPolicy.maxIdempotencyKeyBytes else {
            let limit = MoneyPolicy.maxIdempotencyKeyBytes
            throw ConcertError(.invalidIdempotencyKey, "The idempotency key is longer than \(limit) bytes of UTF-8.")
        }
        return key
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"):
            true
        default:
            false
        }
    }
}
