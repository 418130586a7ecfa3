/// The estimated wait of a token in line.
///
/// With `admitted` admissions observed in the last `observationWindowMs` (60 s) the rate is
/// `admitted / 60 s`, so the wait of the token at `position` is `position × 60 000 / admitted` ms.
/// With no admission observed in that window, each of the N active places turns over at least every
/// T ms, so the wait is `position × T / max(N, 1)`; when a K-per-interval cap is set the wait is at
/// least `ceil(position / K) × interval`, and the larger of the two is used. Results saturate at `Int64.max`.
public enum WaitEstimate {
    /// The window over which the admission rate is observed, in milliseconds.
    public static let observationWindowMs: Int64 = 60_000

    /// The estimated wait in milliseconds for `position` (1 = next) given `admittedInWindow` admissions in
    /// the last `observationWindowMs` and the queue `policy`.
    public static func milliseconds(position: Int64, admittedInWindow: Int64, policy: QueuePolicy) -> Int64 {
        guard position > 0 else { return 0 }
        if admittedInWindow > 0 {
            return saturatingMultiply(position, observationWindowMs) / admittedInWindow
        }
        var estimate = saturatingMultiply(position, policy.activeLifetimeMs) / Int64(max(policy.maxActive, 1))
        if let cap = policy.admissionsPerInterval, cap > 0 {
            let intervals = (position + Int64(cap) - 1) / Int64(cap)
            estimate = max(estimate, saturatingMultiply(intervals, policy.admissionIntervalMs))
        }
        return estimate
    }

    private static func saturatingMultiply(_ lhs: Int64, _ rhs: Int64) -> Int64 {
        let (product, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        return overflow ? Int64.max : product
    }
}
