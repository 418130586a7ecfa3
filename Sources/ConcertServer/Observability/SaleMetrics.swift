import ConcertDomain
import ConcertStore
import CoreMetrics
import Synchronization

/// Each sale's figures (``SaleStats``) as gauges, through swift-metrics, refreshed by
/// ``ConcertApplication/runSaleMetricsJob()``, all labelled `concert`:
/// `concert_queue_waiting` (in line, pre-queued included), `concert_queue_pre_queued` (pre-queued, no place
/// yet), `concert_queue_active`, `concert_queue_max_active` (N), `concert_queue_admission_paused` (1 when
/// operators paused admission, else 0), `concert_queue_admitted_last_minute`,
/// `concert_queue_admissions_per_second` (the places filled in the last minute, per second) and
/// `concert_queue_time_to_empty_seconds` (the estimated time until everyone in line now is admitted; absent
/// while unknown). The figures are the database's, so every server of a deployment reports the same ones.
final class SaleMetrics: Sendable {
    /// One sale's gauges.
    private struct Gauges: Sendable {
        /// `concert_queue_waiting`.
        let waiting: Gauge
        /// `concert_queue_pre_queued`.
        let preQueued: Gauge
        /// `concert_queue_active`.
        let active: Gauge
        /// `concert_queue_max_active`.
        let maxActive: Gauge
        /// `concert_queue_admission_paused`.
        let paused: Gauge
        /// `concert_queue_admitted_last_minute`.
        let admittedLastMinute: Gauge
        /// `concert_queue_admissions_per_second`.
        let admissionRate: Gauge
        /// `concert_queue_time_to_empty_seconds`: made while the time to empty is known, destroyed (no longer
        /// exported) while it is not.
        var timeToEmpty: Gauge?
    }

    /// Each sale's gauges, by concert id.
    private let gauges = Mutex<[Int64: Gauges]>([:])

    /// Publishes `stats`.
    func publish(_ stats: SaleStats) {
        let concert = stats.sale.concertID
        let dimensions = [("concert", String(concert))]
        let gauges = gauges.withLock { all in
            var gauges = all[concert] ?? Self.gauges(dimensions)
            switch (stats.timeToEmptyMs, gauges.timeToEmpty) {
            case (.some, nil): gauges.timeToEmpty = Gauge(label: "concert_queue_time_to_empty_seconds", dimensions: dimensions)
            case (nil, .some(let gauge)):
                gauge.destroy()
                gauges.timeToEmpty = nil
            default: break
            }
            all[concert] = gauges
            return gauges
        }
        gauges.waiting.record(stats.waiting + stats.preQueued)
        gauges.preQueued.record(stats.preQueued)
        gauges.active.record(stats.active)
        gauges.maxActive.record(stats.sale.policy.maxActive)
        gauges.paused.record(stats.sale.isAdmissionPaused ? 1 : 0)
        gauges.admittedLastMinute.record(stats.admittedLastMinute)
        gauges.admissionRate.record(Double(stats.admittedLastMinute) / 60)
        if let timeToEmpty = stats.timeToEmptyMs { gauges.timeToEmpty?.record(Double(timeToEmpty) / 1000) }
    }

    /// A sale's gauges but the time to empty, labelled `dimensions`.
    private static func gauges(_ dimensions: [(String, String)]) -> Gauges {
        Gauges(
            waiting: Gauge(label: "concert_queue_waiting", dimensions: dimensions),
            preQueued: Gauge(label: "concert_queue_pre_queued", dimensions: dimensions),
            active: Gauge(label: "concert_queue_active", dimensions: dimensions),
            maxActive: Gauge(label: "concert_queue_max_active", dimensions: dimensions),
            paused: Gauge(label: "concert_queue_admission_paused", dimensions: dimensions),
            admittedLastMinute: Gauge(label: "concert_queue_admitted_last_minute", dimensions: dimensions),
            admissionRate: Gauge(label: "concert_queue_admissions_per_second", dimensions: dimensions))
    }
}
