import ConcertClient
import ConcertDomain
import ConcertProtocol
import Foundation
import Synchronization
import ConcertTesting
import Testing

@Suite("ConcertClient service journeys")
struct JourneyTests {
    private static func newUser() -> String { UUID().uuidString.lowercased() }

    @Test("A fan's whole journey: token, status, concerts, dates, seats, reserve, reservation, charge, balance, pay")
    func fullJourney() async throws {
        try await withLiveServer { server in
            let client = try await ConcertClient.connect(port: server.port)
            #expect(client.token == nil)
            let issued = try await client.issueToken(userID: Self.newUser(), concertID: 1)
            #expect(client.token == issued.token)
            #expect(issued.status?.state == .active)

            let status = try await client.getQueueStatus(GetQueueStatusRequest()).status
            #expect(status?.state == .active)
            #expect(status?.expiresAtUnixMs ?? 0 > 0)

            let concerts = try await client.listConcerts(ListConcertsRequest()).concerts
            let concert = try #require(concerts.first)
            let dates = try await client.listAvailableDates(concertID: concert.id).dates
            let date = try #require(dates.first)
            #expect(date.concertID == concert.id)
            #expect(date.freeSeats == 50)
            let seats = try await client.listAvailableSeats(concertID: concert.id, date: date.date).seats
            #expect(seats.map(\.number) == Array(1...50))
            let seat = try #require(seats.first { $0.free })

            let held = try #require(
                try await client.reserveSeat(concertID: concert.id, date: date.date, seatNumber: seat.number).reservation)
            #expect(held.state == .held)
            #expect(held.seatNumber == seat.number)
            #expect(held.price == seat.price)
            let fetched = try await client.getReservation(reservationID: held.id).reservations
            #expect(fetched.map(\.id) == [held.id])

            let charge = try await client.chargeBalance(amount: seat.price, idempotencyKey: "journey-\(held.id)")
            #expect(charge.balance == seat.price)
            let replay = try await client.chargeBalance(amount: seat.price, idempotencyKey: "journey-\(held.id)")
            #expect(replay.replayed)
            #expect(try await client.getBalance(GetBalanceRequest()).balance == seat.price)

            let paid = try await client.pay(reservationID: held.id)
            #expect(paid.reservation?.state == .paid)
            #expect(paid.payment?.amount == seat.price)
            #expect(paid.balance == 0)
            let after = try await client.listAvailableSeats(concertID: concert.id, date: date.date)
            #expect(after.seats.first(where: { $0.number == seat.number })?.free == false)
            await client.close()
        }
    }

    @Test("Error answers arrive with the server's code and reason")
    func errorReasons() async throws {
        try await withLiveServer { server in
            let first = try await ConcertClient.connect(port: server.port)
            let missing = await #expect(throws: RPCError.self) { try await first.getBalance(GetBalanceRequest()) }
            #expect(missing?.code == .unauthenticated)
            #expect(missing?.knownReason == .tokenMissing)

            let invalidUser = await #expect(throws: RPCError.self) { try await first.issueToken(userID: "not-a-uuid", concertID: 1) }
            #expect(invalidUser?.code == .invalidArgument)
            #expect(invalidUser?.knownReason == .invalidUserID)

            _ = try await first.issueToken(userID: Self.newUser(), concertID: 1)
            let concert = try #require(try await first.listConcerts(ListConcertsRequest()).concerts.first)
            let date = try #require(try await first.listAvailableDates(concertID: concert.id).dates.first)

            let badSeat = await #expect(throws: RPCError.self) {
                try await first.reserveSeat(concertID: concert.id, date: date.date, seatNumber: 51)
            }
            #expect(badSeat?.code == .invalidArgument)
            #expect(badSeat?.knownReason == .invalidSeatNumber)

            let held = try #require(
                try await first.reserveSeat(concertID: concert.id, date: date.date, seatNumber: 7).reservation)
            let second = try await ConcertClient.connect(port: server.port)
            _ = try await second.issueToken(userID: Self.newUser(), concertID: 1)
            let taken = await #expect(throws: RPCError.self) {
                try await second.reserveSeat(concertID: concert.id, date: date.date, seatNumber: 7)
            }
            #expect(taken?.code == .alreadyExists)
            #expect(taken?.knownReason == .seatAlreadyHeld)

            let notOwned = await #expect(throws: RPCError.self) { try await second.pay(reservationID: held.id) }
            #expect(notOwned?.knownReason == .reservationNotFound)

            let broke = await #expect(throws: RPCError.self) { try await first.pay(reservationID: held.id) }
            #expect(broke?.code == .failedPrecondition)
            #expect(broke?.knownReason == .insufficientBalance)

            first.setToken("0123456789abcdef0123456789abcdef")
            let unknown = await #expect(throws: RPCError.self) { try await first.getBalance(GetBalanceRequest()) }
            #expect(unknown?.code == .unauthenticated)
            #expect(unknown?.knownReason == .tokenUnknown)
            await first.close()
            await second.close()
        }
    }

    @Test("waitUntilActive reports the waiting position and returns once the fan is admitted")
    func waitUntilActive() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 1)) { server in
            let ahead = try await ConcertClient.connect(port: server.port)
            #expect(try await ahead.issueToken(userID: Self.newUser(), concertID: 1).status?.state == .active)
            let waiting = try await ConcertClient.connect(port: server.port)
            let issued = try await waiting.issueToken(userID: Self.newUser(), concertID: 1)
            #expect(issued.status?.state == .waiting)
            #expect(issued.status?.position == 1)

            let positions = PositionLog()
            async let admitted = waiting.waitUntilActive(pollInterval: .milliseconds(20)) { positions.append($0) }
            for _ in 0..<1_000 where positions.statuses.isEmpty {
                try await Task.sleep(for: .milliseconds(10))
            }
            // The waiting fan has reported its place; only now does the fan ahead pay and free the slot.
            let concert = try #require(try await ahead.listConcerts(ListConcertsRequest()).concerts.first)
            let date = try #require(try await ahead.listAvailableDates(concertID: concert.id).dates.first)
            let held = try #require(
                try await ahead.reserveSeat(concertID: concert.id, date: date.date, seatNumber: 1).reservation)
            _ = try await ahead.chargeBalance(amount: held.price, idempotencyKey: "")
            _ = try await ahead.pay(reservationID: held.id)

            let status = try await admitted
            #expect(status.state == .active)
            #expect(positions.statuses.first?.state == .waiting)
            #expect(positions.statuses.first?.position == 1)
            #expect(positions.statuses.last?.state == .active)
            await ahead.close()
            await waiting.close()
        }
    }

    @Test("waitUntilActive watches the line (no polling) and returns once the fan is admitted")
    func waitUntilActiveWatching() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 1)) { server in
            let ahead = try await ConcertClient.connect(port: server.port)
            _ = try await ahead.issueToken(userID: Self.newUser(), concertID: 1)
            let waiting = try await ConcertClient.connect(port: server.port)
            _ = try await waiting.issueToken(userID: Self.newUser(), concertID: 1)

            let positions = PositionLog()
            async let admitted = waiting.waitUntilActive { positions.append($0) }
            for _ in 0..<1000 where server.application.watchingFans == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.application.watchingFans == 1)
            let concert = try #require(try await ahead.listConcerts(ListConcertsRequest()).concerts.first)
            let date = try #require(try await ahead.listAvailableDates(concertID: concert.id).dates.first)
            let held = try #require(
                try await ahead.reserveSeat(concertID: concert.id, date: date.date, seatNumber: 1).reservation)
            _ = try await ahead.chargeBalance(amount: held.price, idempotencyKey: "")
            _ = try await ahead.pay(reservationID: held.id)

            let status = try await admitted
            #expect(status.state == .active)
            #expect(positions.statuses.first?.state == .waiting)
            #expect(positions.statuses.last?.state == .active)
            for _ in 0..<1000 where server.application.watchingFans > 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.application.watchingFans == 0, "returning ended the watch on the server")
            await ahead.close()
            await waiting.close()
        }
    }

    @Test("a watching fan whose line does not move stays present through its heartbeats; a silent one is dropped")
    func watchingKeepsPresence() async throws {
        let clock = ManualClock(now: 1_800_000_000_000)
        let server = try await LiveServer.start(
            backgroundJobs: false, queue: QueuePolicy(maxActive: 0), presence: PresencePolicy(graceMs: 3_000), clock: clock)
        let watcher = try await ConcertClient.connect(port: server.port)
        _ = try await watcher.issueToken(userID: Self.newUser(), concertID: 1)
        let silent = try await ConcertClient.connect(port: server.port)
        _ = try await silent.issueToken(userID: Self.newUser(), concertID: 1)
        let watch = Task { for try await _ in watcher.watchQueue() {} }
        for _ in 0..<1000 where server.application.watchingFans == 0 { try await Task.sleep(for: .milliseconds(10)) }
        // Ten seconds of server time in half-second rounds of the watch and presence jobs.
        for _ in 0..<20 {
            clock.advance(byMilliseconds: 500)
            await server.application.lookAtWatchers()
            _ = try await server.application.store.keepPresence()
        }
        #expect(server.application.watchingFans == 1)
        watch.cancel()
        #expect(try await watcher.getQueueStatus().status?.state == .waiting)
        #expect(try await silent.getQueueStatus().status?.state == .abandoned)
        await watcher.close()
        await silent.close()
        await server.stop()
    }

    @Test("the watch of an active token that leaves ends with EXPIRED within a second of server time")
    func activeWatchEndsPromptly() async throws {
        let clock = ManualClock(now: 1_800_000_000_000)
        let server = try await LiveServer.start(backgroundJobs: false, queue: QueuePolicy(maxActive: 10), clock: clock)
        let fan = try await ConcertClient.connect(port: server.port)
        #expect(try await fan.issueToken(userID: Self.newUser(), concertID: 1).status?.state == .active)
        let watch = Task {
            var states: [ConcertProtocol.TokenState] = []
            for try await update in fan.watchQueue() { states.append(update.status?.state ?? .unspecified) }
            return states
        }
        for _ in 0..<1000 where server.application.watchingFans == 0 { try await Task.sleep(for: .milliseconds(10)) }
        _ = try await fan.caller(token: fan.token).leaveQueue()
        clock.advance(byMilliseconds: 1_000)
        await server.application.lookAtWatchers()
        for _ in 0..<1000 where server.application.watchingFans > 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(server.application.watchingFans == 0, "the watch was not looked at within a second")
        #expect(try await watch.value == [.active, .expired])
        await fan.close()
        await server.stop()
    }

    @Test("cancelling the task that consumes watchQueue() cancels the watch on the server")
    func watchCancellation() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 0)) { server in
            let client = try await ConcertClient.connect(port: server.port)
            _ = try await client.issueToken(userID: Self.newUser(), concertID: 1)
            let consumer = Task {
                var updates = 0
                for try await _ in client.watchQueue() { updates += 1 }
                return updates
            }
            for _ in 0..<1000 where server.application.watchingFans == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.application.watchingFans == 1)
            consumer.cancel()
            _ = await consumer.result
            for _ in 0..<1000 where server.application.watchingFans > 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.application.watchingFans == 0)
            #expect(try await client.getQueueStatus().status?.state == .waiting, "the connection keeps serving")
            await client.close()
        }
    }

    @Test("waitUntilActive throws UNAUTHENTICATED / TOKEN_EXPIRED for an expired token")
    func waitUntilActiveExpired() async throws {
        try await withLiveServer { server in
            let client = try await ConcertClient.connect(port: server.port)
            _ = try await client.issueToken(userID: Self.newUser(), concertID: 1)
            let concert = try #require(try await client.listConcerts(ListConcertsRequest()).concerts.first)
            let date = try #require(try await client.listAvailableDates(concertID: concert.id).dates.first)
            let held = try #require(
                try await client.reserveSeat(concertID: concert.id, date: date.date, seatNumber: 2).reservation)
            _ = try await client.chargeBalance(amount: held.price, idempotencyKey: "")
            _ = try await client.pay(reservationID: held.id)
            let error = await #expect(throws: RPCError.self) { try await client.waitUntilActive() }
            #expect(error?.code == .unauthenticated)
            #expect(error?.knownReason == .tokenExpired)
            await client.close()
        }
    }

    @Test("A token-scoped caller sends its own token without changing the client's")
    func tokenScopedCaller() async throws {
        try await withLiveServer { server in
            let client = try await ConcertClient.connect(port: server.port)
            let mine = try await client.issueToken(userID: Self.newUser(), concertID: 1).token
            let other = try await client.caller(token: nil).issueToken(userID: Self.newUser(), concertID: 1).token
            #expect(client.token == mine)
            _ = try await client.caller(token: other).chargeBalance(amount: 5, idempotencyKey: "")
            #expect(try await client.caller(token: other).getBalance(GetBalanceRequest()).balance == 5)
            #expect(try await client.getBalance(GetBalanceRequest()).balance == 0)
            await client.close()
        }
    }
}

/// Statuses collected from `waitUntilActive` updates.
private final class PositionLog: Sendable {
    private let log = Mutex<[ConcertProtocol.QueueStatus]>([])

    func append(_ status: ConcertProtocol.QueueStatus) { log.withLock { $0.append(status) } }

    var statuses: [ConcertProtocol.QueueStatus] { log.withLock { $0 } }
}
