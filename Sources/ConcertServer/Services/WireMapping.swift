import ConcertDomain
import ConcertProtocol

// Conversions from domain values to their wire messages. Kept in one place because
// both modules name some types alike (Concert, Seat, Reservation, QueueStatus).

extension ConcertDomain.QueueStatus {
    /// The wire form.
    var wire: ConcertProtocol.QueueStatus {
        ConcertProtocol.QueueStatus(
            state: state.wire,
            position: UInt64(max(0, position)),
            ahead: UInt64(max(0, ahead)),
            estimatedWaitMs: estimatedWaitMs ?? 0,
            expiresAtUnixMs: expiresAtMs ?? 0,
            waitTimeKnown: estimatedWaitMs != nil,
            opensAtUnixMs: opensAtMs ?? 0,
            concertID: concertID,
            admissionPaused: admissionPaused)
    }
}

extension ConcertDomain.TokenState {
    /// The wire form.
    var wire: ConcertProtocol.TokenState {
        switch self {
        case .preQueue: .preQueue
        case .waiting: .waiting
        case .active: .active
        case .expired: .expired
        case .abandoned: .abandoned
        case .revoked: .revoked
        }
    }
}

extension ConcertDomain.Concert {
    /// The wire form, with the sale's state at `now`.
    func wire(now: Int64) -> ConcertProtocol.Concert {
        ConcertProtocol.Concert(id: id, title: title, artist: artist, venue: venue, sale: sale?.wire(now: now))
    }
}

extension ConcertDomain.Sale {
    /// The wire form, with the state at `now`.
    func wire(now: Int64) -> ConcertProtocol.Sale {
        ConcertProtocol.Sale(
            concertID: concertID, state: state(now: now).wire, opensAtUnixMs: opensAtMs, closesAtUnixMs: closesAtMs ?? 0,
            preQueueOpensAtUnixMs: preQueueOpensAtMs, maxActive: UInt32(clamping: policy.maxActive),
            admissionsPerInterval: UInt32(clamping: policy.admissionsPerInterval ?? 0),
            admissionIntervalMs: policy.admissionIntervalMs, activeLifetimeMs: policy.activeLifetimeMs,
            activeIdleMs: policy.activeIdleMs, admissionPaused: isAdmissionPaused)
    }
}

extension ConcertDomain.SaleState {
    /// The wire form.
    var wire: ConcertProtocol.SaleState {
        switch self {
        case .upcoming: .upcoming
        case .preQueue: .preQueue
        case .open: .open
        case .closed: .closed
        }
    }
}

extension ConcertDomain.SaleLine {
    /// The wire form, with the sale's state at `now`.
    func wire(now: Int64) -> GetSaleLineResponse {
        GetSaleLineResponse(
            sale: sale.wire(now: now), waiting: UInt64(max(0, waiting)), active: UInt64(max(0, active)),
            admittedLastMinute: UInt64(max(0, admittedLastMinute)), lastAdmissionUnixMs: lastAdmissionAtMs ?? 0)
    }
}

extension ConcertDomain.SaleStats {
    /// The wire form, with the sale's state at the figures' instant.
    var wire: ConcertProtocol.SaleStats {
        ConcertProtocol.SaleStats(
            sale: sale.wire(now: atMs), preQueued: UInt64(max(0, preQueued)), waiting: UInt64(max(0, waiting)),
            active: UInt64(max(0, active)), admitted: UInt64(max(0, admitted)),
            admittedLastMinute: UInt64(max(0, admittedLastMinute)), dropped: UInt64(max(0, dropped)),
            left: UInt64(max(0, left)), paid: UInt64(max(0, paid)), oldestWaitingMs: oldestWaitingMs ?? 0,
            timeToEmptyMs: timeToEmptyMs ?? 0, timeToEmptyKnown: timeToEmptyMs != nil, servers: servers,
            atUnixMs: atMs)
    }
}

extension ConcertDomain.SaleChange {
    /// The wire form.
    var wire: ConcertProtocol.SaleChange {
        ConcertProtocol.SaleChange(
            id: id, concertID: concertID, atUnixMs: atMs, what: what, oldValue: old, newValue: new, madeBy: madeBy)
    }
}

extension ConcertDomain.ConcertDate {
    /// The wire form.
    var wire: ConcertProtocol.ConcertDate {
        ConcertProtocol.ConcertDate(
            concertID: concertID, date: date, startsAtUnixMs: startsAtMs, freeSeats: UInt32(clamping: freeSeats))
    }
}

extension ConcertDomain.Seat {
    /// The wire form.
    var wire: ConcertProtocol.Seat {
        ConcertProtocol.Seat(number: UInt32(clamping: number), price: price, free: isFree)
    }
}

extension ConcertDomain.Reservation {
    /// The wire form.
    var wire: ConcertProtocol.Reservation {
        ConcertProtocol.Reservation(
            id: id, concertID: concertID, date: date, seatNumber: UInt32(clamping: seatNumber), price: price,
            state: state.wire, heldAtUnixMs: heldAtMs, expiresAtUnixMs: expiresAtMs, paidAtUnixMs: paidAtMs ?? 0)
    }
}

extension ConcertDomain.ReservationState {
    /// The wire form.
    var wire: ConcertProtocol.ReservationState {
        switch self {
        case .held: .held
        case .paid: .paid
        case .lapsed: .lapsed
        }
    }
}

extension RequestContext {
    /// The caller's queue token. The dispatcher refuses a call to a method that needs one (`@token` in the
    /// .proto file) when it carries none, so for those methods it is never empty.
    var token: String { queueToken ?? "" }
}
