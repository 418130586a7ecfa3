import ConcertDomain
import ConcertProtocol
import Foundation
import ConcertTesting
import Testing

/// Every bad input of the services gets its precise status and reason over the wire.
@Suite("Service bad input")
struct ServiceBadInputTests {
    @Test("user ids that are not UUIDs are INVALID_USER_ID", arguments: ["", "alice", "123", "8a0f3b5e2f434f6e9d433f6f5f0e8a11x"])
    func invalidUserID(userID: String) async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            await expectFailure(.invalidArgument, .invalidUserID) {
                try await WireCaller(port: server.port).issueToken(userID: userID, concertID: 1)
            }
        }
    }

    @Test("missing, unknown and expired tokens are UNAUTHENTICATED with their reason")
    func tokens() async throws {
        let clock = ManualClock(now: testEpoch)
        try await withLiveServer(backgroundJobs: false, queue: QueuePolicy(maxActive: 10, activeLifetimeMs: 1000), clock: clock) { server in
            let anonymous = WireCaller(port: server.port)
            await expectFailure(.unauthenticated, .tokenMissing) { try await anonymous.getQueueStatus(GetQueueStatusRequest()) }
            #expect(try await anonymous.listConcerts(ListConcertsRequest()).concerts.count == 3)
            await expectFailure(.unauthenticated, .tokenMissing) { try await anonymous.getBalance(GetBalanceRequest()) }
            let stranger = WireCaller(port: server.port, token: String(repeating: "a", count: 32))
            await expectFailure(.unauthenticated, .tokenUnknown) { try await stranger.getQueueStatus(GetQueueStatusRequest()) }
            await expectFailure(.unauthenticated, .tokenUnknown) { try await stranger.pay(reservationID: 1) }
            await expectFailure(.unauthenticated, .tokenUnknown) { try await stranger.listAvailableDates(concertID: 1) }
            await expectFailure(.unauthenticated, .tokenUnknown) {
                try await stranger.listAvailableSeats(concertID: 1, date: "2027-03-06")
            }
            let garbage = WireCaller(port: server.port, token: "'; DROP TABLE tokens; --")
            await expectFailure(.unauthenticated, .tokenUnknown) { try await garbage.chargeBalance(amount: 1, idempotencyKey: "") }

            let (fan, _) = try await fan(server.port)
            clock.advance(byMilliseconds: 1000)
            await expectFailure(.unauthenticated, .tokenExpired) {
                try await fan.reserveSeat(concertID: 1, date: "2027-03-06", seatNumber: 1)
            }
            await expectFailure(.unauthenticated, .tokenExpired) { try await fan.chargeBalance(amount: 1, idempotencyKey: "") }
            #expect(try await fan.getQueueStatus(GetQueueStatusRequest()).status?.state == .expired)
        }
    }

    @Test("seat numbers outside 1–50, unknown concerts and dates, malformed dates", arguments: CallPath.allCases)
    func reservationInputs(path: CallPath) async throws {
        try await withLiveServer(backgroundJobs: false, clock: ManualClock(now: testEpoch)) { server in
            let fan = try await fan(server, via: path)
            let (concertID, date) = try await firstDate(fan)
            for seat: UInt32 in [0, 51, .max] {
                await expectFailure(.invalidArgument, .invalidSeatNumber) {
                    try await fan.reserveSeat(concertID: concertID, date: date, seatNumber: seat)
                }
            }
            await expectFailure(.permissionDenied, .tokenWrongConcert) {
                try await fan.reserveSeat(concertID: 999, date: date, seatNumber: 1)
            }
            await expectFailure(.notFound, .concertNotFound) { try await fan.listAvailableDates(concertID: -1) }
            await expectFailure(.notFound, .concertNotFound) { try await fan.listAvailableSeats(concertID: 999, date: date) }
            await expectFailure(.notFound, .dateNotFound) {
                try await fan.reserveSeat(concertID: concertID, date: "2030-01-01", seatNumber: 1)
            }
            await expectFailure(.notFound, .dateNotFound) { try await fan.listAvailableSeats(concertID: concertID, date: "2030-01-01") }
            for bad in ["", "2027-02-30", "tomorrow", "2027-3-6"] {
                await expectFailure(.invalidArgument, .invalidDate) {
                    try await fan.listAvailableSeats(concertID: concertID, date: bad)
                }
                await expectFailure(.invalidArgument, .invalidDate) {
                    try await fan.reserveSeat(concertID: concertID, date: bad, seatNumber: 1)
                }
            }
            await expectFailure(.notFound, .reservationNotFound) { try await fan.getReservation(reservationID: 12345) }
            await expectFailure(.notFound, .reservationNotFound) { try await fan.pay(reservationID: 12345) }
        }
    }

    @Test("amounts: zero, negative, too large, and a balance that would pass its limit", arguments: CallPath.allCases)
    func amounts(path: CallPath) async throws {
        try await withLiveServer(backgroundJobs: false, clock: ManualClock(now: testEpoch)) { server in
            let fan = try await fan(server, via: path)
            for amount: Int64 in [0, -1, .min] {
                await expectFailure(.invalidArgument, .invalidAmount) { try await fan.chargeBalance(amount: amount, idempotencyKey: "") }
            }
            await expectFailure(.invalidArgument, .amountTooLarge) {
                try await fan.chargeBalance(amount: MoneyPolicy.maxChargeAmount + 1, idempotencyKey: "")
            }
            await expectFailure(.invalidArgument, .amountTooLarge) { try await fan.chargeBalance(amount: .max, idempotencyKey: "") }
            await expectFailure(.invalidArgument, .invalidIdempotencyKey) {
                try await fan.chargeBalance(amount: 1, idempotencyKey: String(repeating: "k", count: 129))
            }
            #expect(try await fan.getBalance(GetBalanceRequest()).balance == 0)
        }
    }

    @Test("the balance limit is enforced, never overflowing")
    func balanceLimit() async throws {
        try await withLiveServer(backgroundJobs: false, clock: ManualClock(now: testEpoch)) { server in
            let (fan, _) = try await fan(server.port)
            let charges = MoneyPolicy.maxBalance / MoneyPolicy.maxChargeAmount
            let calls = (0..<charges).map { _ in
                (request: ChargeBalanceRequest(amount: MoneyPolicy.maxChargeAmount), token: fan.token)
            }
            let results = try await pipelineOverConnections(port: server.port, connections: 4, PaymentService.chargeBalance, calls)
            #expect(results.allSatisfy { (try? $0.get()) != nil })
            #expect(try await fan.getBalance(GetBalanceRequest()).balance == MoneyPolicy.maxBalance)
            await expectFailure(.failedPrecondition, .balanceLimitExceeded) { try await fan.chargeBalance(amount: 1, idempotencyKey: "") }
            #expect(try await fan.getBalance(GetBalanceRequest()).balance == MoneyPolicy.maxBalance)
        }
    }

    @Test("someone else's reservation, insufficient balance, and paying twice", arguments: CallPath.allCases)
    func paymentRules(path: CallPath) async throws {
        try await withLiveServer(backgroundJobs: false, clock: ManualClock(now: testEpoch)) { server in
            let owner = try await fan(server, via: path)
            let other = try await fan(server, via: path)
            let (concertID, date) = try await firstDate(owner)
            let held = try #require(try await owner.reserveSeat(concertID: concertID, date: date, seatNumber: 11).reservation)
            await expectFailure(.alreadyExists, .seatAlreadyHeld) {
                try await other.reserveSeat(concertID: concertID, date: date, seatNumber: 11)
            }
            await expectFailure(.notFound, .reservationNotFound) { try await other.getReservation(reservationID: held.id) }
            _ = try await other.chargeBalance(amount: held.price, idempotencyKey: "")
            await expectFailure(.notFound, .reservationNotFound) { try await other.pay(reservationID: held.id) }
            #expect(try await other.getBalance(GetBalanceRequest()).balance == held.price)

            _ = try await owner.chargeBalance(amount: held.price - 1, idempotencyKey: "")
            await expectFailure(.failedPrecondition, .insufficientBalance) { try await owner.pay(reservationID: held.id) }
            #expect(try await owner.getBalance(GetBalanceRequest()).balance == held.price - 1)
            _ = try await owner.chargeBalance(amount: 1, idempotencyKey: "")
            #expect(try await owner.pay(reservationID: held.id).balance == 0)
            await expectFailure(.alreadyExists, .reservationAlreadyPaid) { try await owner.pay(reservationID: held.id) }
            await expectFailure(.alreadyExists, .seatAlreadySold) {
                try await other.reserveSeat(concertID: concertID, date: date, seatNumber: 11)
            }
            #expect(try await server.application.store.audit().isHealthy)
        }
    }

    @Test("a fifth live hold by one fan is RESOURCE_EXHAUSTED / HOLD_LIMIT_REACHED", arguments: CallPath.allCases)
    func holdLimit(path: CallPath) async throws {
        try await withLiveServer(backgroundJobs: false, clock: ManualClock(now: testEpoch)) { server in
            let fan = try await fan(server, via: path)
            let (concertID, date) = try await firstDate(fan)
            for seat: UInt32 in 1...4 {
                _ = try await fan.reserveSeat(concertID: concertID, date: date, seatNumber: seat)
            }
            await expectFailure(.resourceExhausted, .holdLimitReached) {
                try await fan.reserveSeat(concertID: concertID, date: date, seatNumber: 5)
            }
            #expect(try await fan.listAvailableSeats(concertID: concertID, date: date).seats[4].free)
        }
    }

    @Test("ListServices' requires_token matches what every method enforces")
    func requiresTokenIsTruthful() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let dispatcher = server.application.dispatcher
            let listing = try ListServicesResponse(
                serializedBytes: await dispatcher.dispatch(
                    RequestEnvelope(id: 1, method: SystemService.listServices.descriptor.path)).payload)
            let methods = listing.services.flatMap(\.methods)
            #expect(methods.count == ProtocolServices.all.flatMap(\.methods).count)
            for method in methods {
                let answer = await dispatcher.dispatch(RequestEnvelope(id: 2, method: method.path))
                #expect(
                    (answer.reason == ErrorReason.tokenMissing.name) == method.requiresToken,
                    "\(method.path): requires_token \(method.requiresToken), answered \(answer.reason)")
            }
        }
    }

    @Test("every domain reason is in the protocol's reason catalogue")
    func reasonCatalogue() {
        for reason in ConcertError.Reason.allCases where reason != .invalidCatalog {
            #expect(ErrorReason(name: reason.rawValue) != nil, "\(reason.rawValue) missing from proto ErrorReason")
        }
    }
}
