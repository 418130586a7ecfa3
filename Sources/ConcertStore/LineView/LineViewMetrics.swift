import CoreMetrics

/// A line view's health through swift-metrics: how old its snapshot is (`concert_line_view_age_seconds`:
/// above 1 s the view refuses to answer without a refresh; it grows while nobody asks, since an unasked view
/// is not refreshed) and its refreshes by kind (`concert_line_view_refreshes_total{kind}`:
/// `full`, `light` for the first reads of tokens, `failed`).
struct LineViewMetrics: Sendable {
    private let age = Gauge(label: "concert_line_view_age_seconds")
    private let full = Counter(label: "concert_line_view_refreshes_total", dimensions: [("kind", "full")])
    private let light = Counter(label: "concert_line_view_refreshes_total", dimensions: [("kind", "light")])
    private let failed = Counter(label: "concert_line_view_refreshes_total", dimensions: [("kind", "failed")])

    /// Records the view's age, in nanoseconds.
    func recordAge(ns: UInt64) {
        age.record(Double(ns) / 1e9)
    }

    /// Counts a refresh that ended: light or full, or failed.
    func refreshed(light isLight: Bool, failed hasFailed: Bool) {
        (hasFailed ? failed : isLight ? light : full).increment()
    }
}
