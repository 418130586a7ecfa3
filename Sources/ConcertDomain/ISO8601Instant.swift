import Foundation

/// Parses ISO-8601 timestamps that carry a time zone ("Z" or "±hh:mm"), with or without fractional seconds,
/// and writes instants the same way in UTC.
public enum ISO8601Instant {
    /// Unix milliseconds of `text`, or nil if it is not an ISO-8601 internet date-time.
    public static func milliseconds(_ text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return millis(date) }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text).map(millis)
    }

    /// `milliseconds` (Unix ms) as an ISO-8601 date-time in UTC, e.g. "2027-03-06T10:00:00Z".
    public static func string(milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    private static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
