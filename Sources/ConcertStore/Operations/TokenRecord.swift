import ConcertDomain
import Foundation

/// A stored token with its sale's line read in the same snapshot.
struct TokenRecord {
    /// The user it is bound to.
    let userID: UUID
    /// Its place in its sale's line.
    let ticket: QueueTicket
    /// Its sale, with the line's counters at read time.
    let sale: SaleRecord

    /// A token and the server that last heard its holder, from a row of `t.seq, t.user_id, t.concert_id,
    /// t.place, t.expires_ms, t.closed_ms IS NOT NULL, t.abandoned_ms IS NOT NULL`, the sale's columns (see
    /// ``SaleRecord``), `t.heard_by` and `t.revoked_ms IS NOT NULL`.
    static func read(_ row: any SQLRow) throws -> (record: TokenRecord, heardBy: String) {
        let record = TokenRecord(
            userID: try row.uuid(1),
            ticket: QueueTicket(
                seq: row.int64(0), concertID: row.int64(2), place: row.optionalInt64(3),
                expiresAtMs: row.optionalInt64(4), isClosed: row.bool(5), isAbandoned: row.bool(6),
                isRevoked: row.bool(24)),
            sale: SaleRecord(row: row, offset: 7))
        return (record, row.string(23))
    }

    /// The state at `now`.
    func state(now: Int64) -> TokenState {
        ticket.state(admittedThrough: sale.admittedThrough, now: now)
    }

    /// The queue status at `now`. A waiting token's position is its place minus the head minus the dropped
    /// places between them (`droppedPlaces(after, before)` counts those in `after + 1 ..< before`), and its
    /// wait is estimated from the sale's recent admissions (`observed`); neither is asked otherwise.
    func status(
        now: Int64, droppedPlaces: (_ after: Int64, _ before: Int64) throws -> Int64,
        observed: () throws -> AdmissionRate.Observed
    ) rethrows -> QueueStatus {
        let concertID = ticket.concertID
        let paused = sale.sale.isAdmissionPaused
        switch state(now: now) {
        case .preQueue:
            return QueueStatus(
                state: .preQueue, opensAtMs: sale.sale.opensAtMs, concertID: concertID, admissionPaused: paused)
        case .waiting:
            let place = ticket.place ?? 0
            let head = sale.admittedThrough
            let position = place - head - (try droppedPlaces(head, place))
            let observed = try observed()
            let estimate =
                paused
                ? nil
                : WaitEstimate.milliseconds(
                    position: position, admittedInShortWindow: observed.short, admittedInLongWindow: observed.long)
            return QueueStatus(
                state: .waiting, position: position, ahead: position - 1, estimatedWaitMs: estimate,
                concertID: concertID, admissionPaused: paused)
        case .active:
            return QueueStatus(
                state: .active, expiresAtMs: ticket.expiresAtMs, concertID: concertID, admissionPaused: paused)
        case let state:
            return QueueStatus(state: state, concertID: concertID, admissionPaused: paused)
        }
    }
}
