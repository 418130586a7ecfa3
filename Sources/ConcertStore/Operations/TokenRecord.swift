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

    /// The state at `now`.
    func state(now: Int64) -> TokenState {
        ticket.state(admittedThrough: sale.admittedThrough, now: now)
    }
}
