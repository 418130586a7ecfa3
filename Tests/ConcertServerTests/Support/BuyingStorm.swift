import ConcertClient
import ConcertProtocol
import Synchronization

/// Admitted fans buying: each charges the price of the next free seat (with an idempotency key), holds
/// the seat and pays for it; once every seat was handed out a fan leaves the line instead. Counts what
/// the servers acknowledged, for the audit afterwards. A step that fails ends the fan's purchase (its
/// token then expires by idleness or its hold lapses); it is counted, never retried blindly.
final class BuyingStorm: Sendable {
    /// One seat for sale.
    struct Seat: Sendable {
        let date: String
        let number: UInt32
        let price: Int64
    }

    /// What the servers acknowledged.
    struct Acknowledged: Sendable {
        /// The money of the charges answered OK.
        var charged: Int64 = 0
        /// The payments answered OK.
        var payments = 0
        /// The money of those payments.
        var paid: Int64 = 0
        /// Purchases that stopped at a failed call.
        var failures: [String] = []
    }

    private let seats: [Seat]
    private let next = Atomic<Int>(0)
    private let state = Mutex(Acknowledged())

    /// A storm over the free seats of concert 1, as `caller` (an ACTIVE fan) lists them.
    init(listingWith caller: some RPCCaller) async throws {
        var seats: [Seat] = []
        for date in try await caller.listAvailableDates(concertID: 1).dates {
            for seat in try await caller.listAvailableSeats(concertID: 1, date: date.date).seats where seat.free {
                seats.append(Seat(date: date.date, number: seat.number, price: seat.price))
            }
        }
        self.seats = seats
    }

    /// What was acknowledged so far.
    var acknowledged: Acknowledged { state.withLock { $0 } }

    /// One admitted fan's purchase, or its leaving once the seats are gone.
    func buy(_ caller: TokenScopedCaller) async {
        let index = next.add(1, ordering: .relaxed).oldValue
        guard index < seats.count else {
            await leave(caller)
            return
        }
        let seat = seats[index]
        do {
            _ = try await caller.chargeBalance(amount: seat.price, idempotencyKey: "storm-\(index)")
            state.withLock { $0.charged += seat.price }
            let hold = try await caller.reserveSeat(concertID: 1, date: seat.date, seatNumber: seat.number)
            _ = try await caller.pay(reservationID: hold.reservation?.id ?? 0)
            state.withLock {
                $0.payments += 1
                $0.paid += seat.price
            }
        } catch {
            state.withLock { $0.failures.append("\(error)") }
            await leave(caller)
        }
    }
}
