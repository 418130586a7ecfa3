import Foundation

/// What a write job may change, declared before it runs, so that an engine that commits several
/// transactions at once (PostgreSQL) runs side by side only jobs that cannot meet: jobs whose scopes share
/// a part take turns, and a job whose scope is ``everything`` runs alone, as every job did when one writer
/// lock served the whole database. SQLite commits one transaction at a time and ignores scopes.
///
/// A job may read anything, but it may change only rows its parts cover, and it may decide a write only from
/// rows its parts cover or from facts that never change (a token's user and sale, a reservation's seat):
/// - ``Part/sale(_:)``: the sale's line: its counters, its tokens' places and states, admission, drops.
/// - ``Part/user(_:)``: the user's account, charges, holds and payments.
/// - ``Part/seat(concertID:date:number:)``: the seat's hold and sale.
/// - ``Part/tokenSale(_:)``, ``Part/tokenUser(_:)``, ``Part/reservationSeat(_:)``: the sale or the user of a
///   token, or the seat of a reservation, which the engine looks up before the job runs. One that does not
///   exist covers nothing: the job finds no such token or reservation and changes nothing.
public struct WriteScope: Sendable {
    /// One thing a job may change.
    public enum Part: Hashable, Sendable {
        /// A sale's line.
        case sale(Int64)
        /// A user's money and holds.
        case user(UUID)
        /// One seat of one date.
        case seat(concertID: Int64, date: String, number: Int)
        /// The line of the sale the token belongs to.
        case tokenSale(String)
        /// The money and holds of the token's user.
        case tokenUser(String)
        /// The seat the reservation holds.
        case reservationSeat(Int64)
    }

    /// The parts; nil for everything.
    public let parts: Set<Part>?

    /// A job that may change anything: it runs alone.
    public static let everything = WriteScope(parts: nil)

    /// A job that changes only what `parts` cover.
    public static func only(_ parts: Set<Part>) -> WriteScope {
        WriteScope(parts: parts)
    }

    /// Whether every change a job of `other` may make is covered here.
    func covers(_ other: WriteScope) -> Bool {
        guard let parts else { return true }
        guard let others = other.parts else { return false }
        return others.isSubset(of: parts)
    }
}
