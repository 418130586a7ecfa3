import ConcertDomain

/// A sale as stored: its times and settings, and its line's counters in one snapshot.
struct SaleRecord {
    /// The sale.
    var sale: Sale
    /// The places handed out: the pre-queue's (once fixed) and every later arrival's.
    var lastPlace: Int64
    /// Every place up to this one has been admitted or dropped.
    var admittedThrough: Int64
    /// How many tokens joined the pre-queue.
    var preQueued: Int64
    /// The pre-queue's size once fixed (at the first place handed out), else nil: places 1...size are its.
    var preQueueSize: Int64?
    /// How many of the pre-queue's places have been given to its tokens.
    var preQueuePlaced: Int64
    /// How many places were dropped in all.
    var dropped: Int64

    /// The highest place that admission may reach now: while the pre-queue's places are still being
    /// given out, the last one given; else the last place.
    var admissibleThrough: Int64 {
        guard let preQueueSize, preQueuePlaced < preQueueSize else { return lastPlace }
        return preQueuePlaced
    }

    /// Whether pre-queued tokens still wait for their places at `now`: the sale has opened and its pre-queue
    /// is either not fixed yet (with someone in it) or not fully placed.
    func hasUnplacedPreQueue(now: Int64) -> Bool {
        guard sale.opensAtMs <= now else { return false }
        guard let preQueueSize else { return preQueued > 0 }
        return preQueuePlaced < preQueueSize
    }

    /// Reads a sale from a row of the columns concert_id, opens_ms, closes_ms, pre_queue_window_ms, max_active,
    /// admissions_per_interval, admission_interval_ms, active_lifetime_ms, active_idle_ms, last_place,
    /// admitted_through, pre_queued, pre_queue_size, pre_queue_placed, dropped, admission_paused_ms, in that
    /// order, starting at `offset`.
    init(row: any SQLRow, offset: Int32 = 0) {
        let admissions = row.optionalInt64(offset + 5)
        sale = Sale(
            concertID: row.int64(offset), opensAtMs: row.int64(offset + 1), closesAtMs: row.optionalInt64(offset + 2),
            policy: QueuePolicy(
                maxActive: row.int(offset + 4), admissionsPerInterval: admissions.map(Int.init),
                admissionIntervalMs: row.int64(offset + 6), activeLifetimeMs: row.int64(offset + 7),
                activeIdleMs: row.int64(offset + 8), preQueueWindowMs: row.int64(offset + 3)),
            isAdmissionPaused: row.optionalInt64(offset + 15) != nil)
        lastPlace = row.int64(offset + 9)
        admittedThrough = row.int64(offset + 10)
        preQueued = row.int64(offset + 11)
        preQueueSize = row.optionalInt64(offset + 12)
        preQueuePlaced = row.int64(offset + 13)
        dropped = row.int64(offset + 14)
    }
}
