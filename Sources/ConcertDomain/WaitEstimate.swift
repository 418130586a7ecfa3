/// The estimated wait of a token in line, from the rate at which its sale really fills places.
///
/// The rate is measured over the last minute of admissions; when the last minute saw none but the last
/// ten minutes did, over those ten minutes (a slow sale fills few places a minute). With no admission in
/// ten minutes there is no rate to measure and the estimate is unknown (nil), never a made-up number.
/// The wait of the token at `position` is `position ÷ rate`.
public enum WaitEstimate {
    /// The short window over which the admission rate is observed, in milliseconds.
    public static let shortWindowMs: Int64 = 60_000
    /// The long window used when the short one saw no admission, in milliseconds.
    public static let longWindowMs: Int64 = 600_000

    /// The estimated wait in milliseconds for `position` (1 = next) given the admissions observed over the short
    /// and the long window: over the short one when it saw any, else over the long one; nil when neither did.
    public static func milliseconds(position: Int64, admittedInShortWindow: Int64, admittedInLongWindow: Int64) -> Int64? {
        if admittedInShortWindow > 0 {
            return milliseconds(position: position, admitted: admittedInShortWindow, windowMs: shortWindowMs)
        }
        return milliseconds(position: position, admitted: admittedInLongWindow, windowMs: longWindowMs)
    }

    /// The estimated wait in milliseconds for `position` (1 = next) given `admitted` admissions observed
    /// over `windowMs`; nil when `admitted` is 0.
    public static func milliseconds(position: Int64, admitted: Int64, windowMs: Int64) -> Int64? {
        guard admitted > 0 else { return nil }
        guard position > 0 else { return 0 }
        let (product, overflow) = position.multipliedReportingOverflow(by: windowMs)
        return overflow ? Int64.max : product / admitted
    }
}
