import ConcertDomain
import ConcertStore
import CoreMetrics
import Synchronization

/// Each sale's line as gauges, through swift-metrics, refreshed by ``ConcertApplication/runSaleMetricsJob()``:
/// `concert_queue_waiting{concert}` (in line, pre-queued included), `concert_queue_active{concert}` and
/// `concert_queue_admissions_per_second{concert}` (the places filled in the last minute, per second). The
/// figures are the database's, so every server of a deployment reports the same ones.
final class SaleMetrics: Sendable {
    private struct Gauges: Sendable {
        let waiting: Gauge
        let active: Gauge
        let admissionRate: Gauge
    }

    private let gauges = Mutex<[Int64: Gauges]>([:])

    /// Publishes `line`.
    func publish(_ line: SaleLine) {
        let concert = line.sale.concertID
        let gauges = gauges.withLock { all in
            if let existing = all[concert] { return existing }
            let dimensions = [("concert", String(concert))]
            let made = Gauges(
                waiting: Gauge(label: "concert_queue_waiting", dimensions: dimensions),
                active: Gauge(label: "concert_queue_active", dimensions: dimensions),
                admissionRate: Gauge(label: "concert_queue_admissions_per_second", dimensions: dimensions))
            all[concert] = made
            return made
        }
        gauges.waiting.record(line.waiting)
        gauges.active.record(line.active)
        gauges.admissionRate.record(Double(line.admittedLastMinute) / 60)
    }
}
