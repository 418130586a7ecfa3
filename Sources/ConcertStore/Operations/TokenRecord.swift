import ConcertDomain
import Foundation

/// A stored token with the line's admission mark read in the same snapshot.
struct TokenRecord {
    /// The user it is bound to.
    let userID: UUID
    /// Its place in line.
    let ticket: QueueTicket
    /// The line's `admitted_through` at read time.
    let admittedThrough: Int64

    /// The state at `now`.
    func state(now: Int64) -> TokenState {
        ticket.state(admittedThrough: admittedThrough, now: now)
    }
}
