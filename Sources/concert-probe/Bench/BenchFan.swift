import ConcertClient
import ConcertProtocol

/// One virtual fan of the mixed benchmark: its token, its hold and the free seats it last
/// saw, and the calls it makes. Operations that need an ACTIVE token (or a hold) fall back
/// to a status poll while the fan is not admitted; an expired token is issued anew first.
struct BenchFan {
    private(set) var identity: FanIdentity
    private let targets: [BenchTarget]
    private var held: Reservation?
    private var freeSeats: [BenchTarget: [UInt32]] = [:]

    /// A fan acting as `identity`, reserving on `targets`.
    init(identity: FanIdentity, targets: [BenchTarget]) {
        self.identity = identity
        self.targets = targets
    }

    /// Makes one call for `operation` (or its fallback) and returns the method called, the
    /// latency counted from `due` (when the call was meant to be sent) and the error, if any.
    mutating func perform(
        _ operation: BenchOperation, dueAt due: ContinuousClock.Instant
    ) async -> (method: String, latency: Duration, error: RPCError?) {
        let resolved = resolve(operation)
        let error = await call(resolved, identity.caller)
        let latency = ContinuousClock.now - due
        if let error { learn(from: error) }
        return (Self.method(of: resolved), latency, error)
    }

    /// The operation actually performed: `operation` when the fan can, else a fallback.
    private func resolve(_ operation: BenchOperation) -> BenchOperation {
        if identity.state == .expired || identity.state == .abandoned { return .issue }
        switch operation {
        case .reserve where identity.state != .active || targets.isEmpty: return .status
        case .pay where identity.state != .active || held == nil: return .status
        case .dates where targets.isEmpty, .seats where targets.isEmpty: return .concerts
        default: return operation
        }
    }

    /// Makes the call for `operation`; nil when it answered OK.
    private mutating func call(_ operation: BenchOperation, _ caller: TokenScopedCaller) async -> RPCError? {
        do throws(RPCError) {
            switch operation {
            case .issue:
                identity = try await FanIdentity.issue(
                    userID: identity.userID, concertID: identity.concertID, on: identity.client)
            case .status:
                identity.state = try await caller.getQueueStatus(GetQueueStatusRequest()).status?.state ?? identity.state
            case .concerts:
                _ = try await caller.listConcerts(ListConcertsRequest())
            case .dates:
                _ = try await caller.listAvailableDates(concertID: targets.randomElement()!.concertID)
            case .seats:
                let target = targets.randomElement()!
                let seats = try await caller.listAvailableSeats(concertID: target.concertID, date: target.date)
                freeSeats[target] = seats.seats.filter(\.free).map(\.number)
            case .reserve:
                let target = targets.randomElement()!
                let seat = freeSeats[target]?.randomElement() ?? UInt32.random(in: 1...50)
                let response = try await caller.reserveSeat(concertID: target.concertID, date: target.date, seatNumber: seat)
                held = response.reservation
                freeSeats[target]?.removeAll { $0 == seat }
            case .reservation:
                _ = try await caller.getReservation(reservationID: 0)
            case .balance:
                _ = try await caller.getBalance(GetBalanceRequest())
            case .charge:
                _ = try await caller.chargeBalance(amount: held?.price ?? 100_000, idempotencyKey: "")
            case .pay:
                _ = try await caller.pay(reservationID: held?.id ?? 0)
                held = nil
                identity.state = .expired
            }
        } catch {
            return error
        }
        return nil
    }

    /// Updates what the fan knows about its token and hold from a failed call.
    private mutating func learn(from error: RPCError) {
        switch error.knownReason {
        case .tokenNotActive: identity.state = .waiting
        case .tokenExpired, .tokenUnknown: identity.state = .expired
        case .holdExpired, .reservationAlreadyPaid, .reservationNotFound: held = nil
        default: break
        }
    }

    /// The protocol method name an operation calls.
    static func method(of operation: BenchOperation) -> String {
        switch operation {
        case .issue: AuthService.issueToken.descriptor.method
        case .status: QueueService.getQueueStatus.descriptor.method
        case .concerts: ReservationService.listConcerts.descriptor.method
        case .dates: ReservationService.listAvailableDates.descriptor.method
        case .seats: ReservationService.listAvailableSeats.descriptor.method
        case .reserve: ReservationService.reserveSeat.descriptor.method
        case .reservation: ReservationService.getReservation.descriptor.method
        case .balance: PaymentService.getBalance.descriptor.method
        case .charge: PaymentService.chargeBalance.descriptor.method
        case .pay: PaymentService.pay.descriptor.method
        }
    }
}
