/// The format of queue tokens: 16 random bytes written as 32 lowercase hex characters.
public enum AccessToken {
    /// The length of a token in characters.
    public static let length = 32

    /// A new token with 128 bits from the system's secure random generator.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return hex(high) + hex(low)
    }

    /// Checks that a presented token is non-empty (TOKEN_MISSING) and well-formed (TOKEN_UNKNOWN).
    public static func validate(_ token: String) throws {
        guard !token.isEmpty else { throw ConcertError(.tokenMissing) }
        let utf8 = token.utf8
        guard utf8.count == length, utf8.allSatisfy(isLowercaseHex) else { throw ConcertError(.tokenUnknown) }
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static func isLowercaseHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}
