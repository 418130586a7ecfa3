import ConcertDomain
import ConcertStore
import ConcertStorePostgres
import Foundation
import ConcertTesting
import Testing

/// A seeded simulation of the waiting room in the spirit of TigerBeetle's VOPR: hundreds of simulated fans
/// arrive, poll, go silent, leave, re-issue and buy seats against two real stores on one database (two server
/// processes behind a balancer: every call goes through either), whose clock only moves when the simulation
/// moves it, while either store is "restarted" (closed and reopened as a new process) now and then. After every step the waiting room's rules are checked against a model of what every
/// fan did. A failure names its seed; `WAITING_ROOM_SEEDS=7,42 swift test --filter WaitingRoomSimulation`
/// replays chosen seeds (the fans' actions replay exactly; the store draws the pre-queue's shuffle with the
/// system generator, so the order at sale C's opening may differ).
@Suite struct WaitingRoomSimulationTests {
    /// The seeds to run: those of `WAITING_ROOM_SEEDS` (comma-separated) if set, else eight fixed ones on
    /// SQLite and three of them on PostgreSQL (a run there costs the test process a minute of CPU in a debug
    /// build, mostly in decoding the database's answers).
    static let seeds: [UInt64] = {
        let listed = (ProcessInfo.processInfo.environment["WAITING_ROOM_SEEDS"] ?? "")
            .split(separator: ",").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        let fixed: [UInt64] = [1, 2, 3, 4, 5, 1_337, 0x5EED, 0xC0FFEE]
        return !listed.isEmpty ? listed : TestDatabase.isPostgres ? [1, 1_337, 0xC0FFEE] : fixed
    }()

    @Test("a seeded run of fans through two processes keeps every waiting-room rule across restarts", arguments: seeds)
    func simulation(seed: UInt64) async throws {
        let simulation = try WaitingRoomSimulation(seed: seed)
        defer { simulation.tearDown() }
        do {
            try await simulation.run()
        } catch {
            Issue.record("seed \(seed), \(simulation.here): unexpected error \(error)")
        }
    }
}

extension SplitMix64 {
    /// A version-4 UUID drawn from the generator.
    fileprivate mutating func uuid() -> UUID {
        let high = next()
        let low = next()
        func byte(_ word: UInt64, _ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: word >> (8 * index)) }
        return UUID(uuid: (
            byte(high, 0), byte(high, 1), byte(high, 2), byte(high, 3), byte(high, 4), byte(high, 5),
            byte(high, 6) & 0x0F | 0x40, byte(high, 7), byte(low, 0) & 0x3F | 0x80, byte(low, 1), byte(low, 2),
            byte(low, 3), byte(low, 4), byte(low, 5), byte(low, 6), byte(low, 7)))
    }
}

/// One simulated sale: its settings as the catalog gives them and its times as absolute instants.
private struct SimulatedSale {
    /// The concert on sale.
    let id: Int64
    /// N.
    let maxActive: Int
    /// K per `capIntervalMs`, if capped.
    let cap: Int?
    /// When the pre-queue opens (Unix ms).
    let preQueueOpensAtMs: Int64
    /// When the sale opens (Unix ms).
    let opensAtMs: Int64
    /// When the sale closes (Unix ms), if it does.
    let closesAtMs: Int64?
    /// How often arrivals pick this sale, relative to the others.
    let weight: Int
    /// The seat price of every date.
    let price: Int64
    /// Every seat of every date.
    let seats: [SeatKey]
    /// The catalog entry loaded for it.
    let entry: Catalog.ConcertEntry

    /// The interval K applies to.
    static let capIntervalMs: Int64 = 1_000

    /// The sale's state at `now`, computed independently of the store.
    func state(at now: Int64) -> SaleState {
        if let closesAtMs, now >= closesAtMs { return .closed }
        if now >= opensAtMs { return .open }
        return now >= preQueueOpensAtMs ? .preQueue : .upcoming
    }

    /// A sale loaded at `start`, opening `opensIn` seconds later (pre-queue `preQueue` seconds before) and
    /// closing `closesIn` seconds later, if given.
    init(
        id: Int64, maxActive: Int, cap: Int? = nil, opensIn: Int64 = 0, preQueue: Int64 = 0, closesIn: Int64? = nil,
        weight: Int, start: Int64
    ) {
        self.id = id
        self.maxActive = maxActive
        self.cap = cap
        self.opensAtMs = start + opensIn * 1_000
        self.preQueueOpensAtMs = opensAtMs - preQueue * 1_000
        self.closesAtMs = closesIn.map { start + $0 * 1_000 }
        self.weight = weight
        let price = 1_000 * id + 500
        self.price = price
        let dates = ["2027-06-01", "2027-06-02"].map {
            Catalog.DateEntry(date: $0, startsAt: "\($0)T19:00:00Z", price: price)
        }
        let sale = Catalog.SaleEntry(
            opensInSeconds: opensIn, closesInSeconds: closesIn, maxActive: maxActive, admissionsPerInterval: cap,
            admissionIntervalMs: Self.capIntervalMs, activeSeconds: WaitingRoomSimulation.lifetimeMs / 1_000,
            activeIdleSeconds: WaitingRoomSimulation.idleMs / 1_000, preQueueSeconds: preQueue)
        self.seats = dates.flatMap { entry in
            SeatPolicy.seatNumbers.map { SeatKey(concertID: id, date: entry.date, number: $0) }
        }
        self.entry = Catalog.ConcertEntry(
            id: id, title: "Simulated \(id)", artist: "The Seeds", venue: "Hall \(id)", dates: dates, sale: sale)
    }
}

/// One seat of one date.
private struct SeatKey: Hashable {
    /// The concert.
    var concertID: Int64
    /// The date.
    var date: String
    /// The seat number.
    var number: Int
}

/// A user's line in one sale.
private struct UserSale: Hashable {
    /// The user.
    var user: UUID
    /// The sale.
    var concertID: Int64
}

/// What a simulated fan does now.
private enum Behaviour: Equatable, CustomStringConvertible {
    /// Polls at least every 2 s and may act.
    case present
    /// Stopped calling for good after a store last heard it at `sinceMs`, in process `heardBy`.
    case silent(sinceMs: Int64, heardBy: Int)
    /// Left the line (the token must be final).
    case left
    /// Paid for a seat (the token must be expired).
    case paid

    /// The behaviour with times relative to the start of the run.
    var description: String {
        switch self {
        case .present: "present"
        case .silent(let since, let listener): "silent since t = +\(since - StoreHarness.start) ms (heard by process \(listener))"
        case .left: "left"
        case .paid: "paid"
        }
    }
}

/// A seat the fan holds and has not paid for yet.
private struct Hold {
    /// The reservation.
    var reservationID: Int64
    /// The seat.
    var seat: SeatKey
    /// Its price.
    var price: Int64
    /// When the hold lapses (Unix ms).
    var expiresMs: Int64
}

/// A live hold in the seat model.
private struct SeatHold {
    /// Who holds it.
    var user: UUID
    /// The reservation.
    var reservationID: Int64
    /// When it lapses (Unix ms).
    var expiresMs: Int64
}

/// One simulated fan: one token of one user in one sale, and everything learned about it.
private struct Fan {
    /// Its index in the simulation's list.
    let id: Int
    /// Its user (a returning user has several fans).
    let user: UUID
    /// Its sale.
    let concertID: Int64
    /// Its token.
    let token: String
    /// What it does now.
    var behaviour: Behaviour = .present
    /// When a store last heard it (any call with its token through a serving store).
    var lastHeardMs: Int64
    /// The process that heard it last.
    var heardBy: Int
    /// The place (0 or 1) its calls go through.
    var place: Int
    /// When its calls last moved to the other place.
    var movedAtMs: Int64
    /// When it polls next at the latest.
    var nextPollMs: Int64
    /// What its previous poll answered.
    var lastPoll: QueueStatus?
    /// The newest status learned from any call (the truth at that instant).
    var known: QueueStatus
    /// When it was admitted, once it was.
    var admittedAtMs: Int64?
    /// The seat it holds unpaid, if any.
    var hold: Hold?
}

/// One run of the simulation: the store, the model of every fan and seat, the steps and the checks.
///
/// A step moves the clock 500 ms, runs 20 random fan actions (a new or returning user arrives at a random sale;
/// a present fan polls, goes silent for good, leaves, buys a seat or asks for its token again; a silent fan
/// may come back), polls every present fan that is due (present fans are heard at least every 2 s), then runs
/// the server's two jobs (`admitWaiting`, `keepPresence`) on both stores. A new fan arrives through either
/// store; its calls then move to the other now and then (each process claims the fans it hears, in its next
/// write batch, which the step's end flushes before the jobs run). Every 30–50 steps one of the stores is
/// closed in the middle of a step and a new process opened on the same database. Checked, on every answer and after every step
/// (statuses read through an observer store that hears no one, so checking keeps no one in line):
/// - a token only moves forward (pre-queued → waiting → active → expired, or dropped before admission), a
///   waiting fan's position never goes up (between polls or between any two reads), the waiting fans of a
///   sale hold exactly positions 1...W, and an active token expires exactly T after its admission;
/// - present fans are never dropped and never expire early, across restarts and moves between processes;
/// - a silent fan is dropped (waiting) or expired (active) exactly when the rules say (G or the idle limit
///   after it was last heard, or — when the process that heard it died first — once that process's last
///   heartbeat is more than G old), never before and never later, and never admitted after that instant;
/// - at most N active per sale, at most K admissions per interval, and no stall: after the jobs an open
///   uncapped sale with anyone waiting has N active (a capped one admitted within its interval), and right
///   after an arrival, a payment or a leave the sale is filled too;
/// - re-issuing a live token returns it, SALE_NOT_OPEN / SALE_CLOSED exactly outside the sale's window,
///   seat and payment answers match a model of seats, holds and balances, and the store's audit finds no
///   violation and the same sold seats, live holds, charges and payments as the model.
private final class WaitingRoomSimulation {
    /// How far the clock moves per step.
    static let stepMs: Int64 = 500
    /// How many steps a run takes.
    static let steps = 200
    /// How many random fan actions a step holds.
    static let actionsPerStep = 20
    /// G, the presence grace.
    static let graceMs: Int64 = 5_000
    /// How long an active fan may be silent.
    static let idleMs: Int64 = 8_000
    /// T, the active lifetime.
    static let lifetimeMs: Int64 = 30_000
    /// H, how long a reserved seat is held.
    static let holdMs: Int64 = 10_000
    /// The most live holds per user.
    static let maxHoldsPerUser = 4
    /// The longest a present fan goes without polling.
    static let maxPollGapMs: Int64 = 2_000

    let seed: UInt64
    private var rng: SplitMix64
    private let harness: StoreHarness
    private let sales: [SimulatedSale]
    /// The two stores serving the fans: the current process in each of two places.
    private var stores: [ConcertStore]
    /// The process serving in each place (0 and 1 first, then a new number per restart).
    private var processes = [0, 1]
    /// The place whose store the current call goes through.
    private var place = 0
    /// The store the current call goes through.
    private var store: ConcertStore { stores[place] }
    /// The process the current call goes through.
    private var process: Int { processes[place] }
    /// A second store that only reads fans' statuses for the checks. It hears no one (``ConcertStore/observeOnly()``),
    /// so checking keeps no one in line.
    private let observer: ConcertStore
    /// When each process last kept presence (its heartbeat).
    private var lastBeatMs: [Int: Int64] = [:]
    private var closedProcesses: Set<Int> = []
    private var fans: [Fan] = []
    /// The fans whose token was not final at the last observation, in arrival order.
    private var live: [Int] = []
    /// The fans whose token was final at an observation.
    private var finished: [Int] = []
    private var latestFan: [UserSale: Int] = [:]
    private var tokens: Set<String> = []
    /// When each sale admitted each token, in order.
    private var admissions: [Int64: [Int64]] = [:]
    private var sold: Set<SeatKey> = []
    private var holds: [SeatKey: SeatHold] = [:]
    private var balances: [UUID: Int64] = [:]
    private var charged: Int64 = 0
    private var paid: Int64 = 0
    private var step = 0
    private var failures = 0
    private var nextRestartStep = 0

    /// Where the run is, for failure messages.
    var here: String { "step \(step) (t = +\(now - StoreHarness.start) ms, processes \(processes))" }
    private var now: Int64 { harness.clock.now() }

    init(seed: UInt64) throws {
        self.seed = seed
        rng = SplitMix64(seed: seed)
        harness = try StoreHarness()
        let start = harness.clock.now()
        // The three sales under test (open with N = 3; open with N = 2 and K = 1 per second; opening at 20 s
        // after a 30 s pre-queue window with N = 4), plus one that closes at 45 s and one far from its
        // pre-queue window, so arrivals also meet SALE_CLOSED and SALE_NOT_OPEN.
        sales = [
            SimulatedSale(id: 1, maxActive: 3, weight: 30, start: start),
            SimulatedSale(id: 2, maxActive: 2, cap: 1, weight: 25, start: start),
            SimulatedSale(id: 3, maxActive: 4, opensIn: 20, preQueue: 30, weight: 30, start: start),
            SimulatedSale(id: 4, maxActive: 2, opensIn: -60, closesIn: 45, weight: 10, start: start),
            SimulatedSale(id: 5, maxActive: 2, opensIn: 3_600, preQueue: 600, weight: 5, start: start),
        ]
        stores = [try Self.openStore(harness), try Self.openStore(harness)]
        observer = try Self.openStore(harness)
        observer.observeOnly()
    }

    private static func openStore(_ harness: StoreHarness) throws -> ConcertStore {
        try ConcertStore.open(
            configuration: StoreConfiguration(
                database: harness.database, queue: QueuePolicy(activeLifetimeMs: lifetimeMs, activeIdleMs: idleMs),
                hold: HoldPolicy(holdDurationMs: holdMs, maxHoldsPerUser: maxHoldsPerUser),
                presence: PresencePolicy(graceMs: graceMs)),
            clock: harness.clock)
    }

    /// Closes the stores and removes the database.
    func tearDown() {
        for store in stores {
            store.close()
        }
        observer.close()
        harness.remove()
    }

    /// Runs every step, stopping after the first step that broke a rule.
    func run() async throws {
        try await store.loadCatalog(Catalog(concerts: sales.map(\.entry)))
        nextRestartStep = Int.random(in: 30...50, using: &rng)
        for number in 1...Self.steps {
            step = number
            harness.clock.advance(byMilliseconds: Self.stepMs)
            let restartAt = step == nextRestartStep ? Int.random(in: 0..<Self.actionsPerStep, using: &rng) : nil
            for action in 0..<Self.actionsPerStep {
                place = Int.random(in: 0..<stores.count, using: &rng)
                if action == restartAt { try restart() }
                try await randomAction()
            }
            for index in live where fans[index].behaviour == .present && fans[index].nextPollMs <= now {
                try await poll(index)
            }
            for store in stores {
                await store.probeStorage()
            }
            for (place, store) in stores.enumerated() {
                _ = try await store.admitWaiting()
                _ = try await store.keepPresence()
                lastBeatMs[processes[place]] = now
            }
            try await check()
            if failures > 0 { return }
        }
    }

    // MARK: - Actions

    private func randomAction() async throws {
        let roll = Int.random(in: 0..<100, using: &rng)
        switch roll {
        case 0..<13:
            let user = fans.isEmpty || Int.random(in: 0..<4, using: &rng) > 0
                ? rng.uuid() : fans[Int.random(in: 0..<fans.count, using: &rng)].user
            try await arrive(user: user, sale: pickSale())
        case 13..<68:
            if let index = pick(present) { try await poll(index) }
        case 68..<72:
            if let index = pick(present) { goSilent(index) }
        case 72..<76:
            if let index = pick(present) { try await leave(index) }
        case 76..<95:
            if let index = pick(present.filter { fans[$0].known.state == .active }) { try await buy(index) }
        default:
            // A present fan asks for its token again (a reload), or a silent one comes back.
            if let index = pick(live.filter { fans[$0].behaviour != .left && fans[$0].behaviour != .paid }) {
                let fan = fans[index]
                try await arrive(user: fan.user, sale: sales.first { $0.id == fan.concertID }!)
            }
        }
    }

    private var present: [Int] { live.filter { fans[$0].behaviour == .present } }

    private func pick(_ indices: [Int]) -> Int? {
        indices.isEmpty ? nil : indices[Int.random(in: 0..<indices.count, using: &rng)]
    }

    private func pickSale() -> SimulatedSale {
        var roll = Int.random(in: 0..<sales.reduce(0) { $0 + $1.weight }, using: &rng)
        for sale in sales {
            if roll < sale.weight { return sale }
            roll -= sale.weight
        }
        return sales[0]
    }

    /// Whether the fan's token is live now, from what was last learned (only keeping presence, which runs
    /// after the actions, and the clock change a live token behind the simulation's back).
    private func isLive(_ fan: Fan) -> Bool {
        switch fan.known.state {
        case .preQueue, .waiting: true
        case .active: (fan.known.expiresAtMs ?? 0) > now
        case .expired, .abandoned, .revoked: false
        }
    }

    /// Sends fan `index`'s next call through its place, moving it to the other place now and then (a client
    /// reconnecting through the balancer), at most once a second: a call that lands within a snapshot's life
    /// of another process's claim may not claim the fan back (README, presence), and this model's exact drop
    /// instants assume it does.
    private func route(_ index: Int) {
        if now - fans[index].movedAtMs >= 1_000, Int.random(in: 0..<8, using: &rng) == 0 {
            fans[index].place = 1 - fans[index].place
            fans[index].movedAtMs = now
        }
        place = fans[index].place
    }

    private func heard(_ index: Int) {
        fans[index].lastHeardMs = now
        fans[index].heardBy = process
    }

    private func arrive(user: UUID, sale: SimulatedSale) async throws {
        let existing = latestFan[UserSale(user: user, concertID: sale.id)].map { fans[$0] }
        if let existing { route(existing.id) }
        let result = try await attempt { [store] in try await store.issueToken(userID: user, concertID: sale.id) }
        if let existing, isLive(existing) {
            guard case .success(let issued) = result, issued.token == existing.token else {
                return fail("re-issuing fan \(existing.id)'s live token in sale \(sale.id) gave \(result)")
            }
            heard(existing.id)
            if case .silent = existing.behaviour { fans[existing.id].behaviour = .present }
            fans[existing.id].nextPollMs = min(fans[existing.id].nextPollMs, now + Self.maxPollGapMs)
            learn(existing.id, issued.status, "re-issue")
            return
        }
        let state = sale.state(at: now)
        switch (state, result) {
        case (.upcoming, .failure(let error)) where error.reason == .saleNotOpen: return
        case (.closed, .failure(let error)) where error.reason == .saleClosed: return
        case (.preQueue, .success(let issued)), (.open, .success(let issued)):
            guard tokens.insert(issued.token).inserted, issued.userID == user else {
                return fail("a new token in sale \(sale.id) repeats an old one or names another user: \(issued)")
            }
            let expected: Set<TokenState> = state == .preQueue ? [.preQueue] : [.waiting, .active]
            if !expected.contains(issued.status.state) || (state == .preQueue && issued.status.opensAtMs != sale.opensAtMs) {
                fail("a new token in sale \(sale.id) (\(state)) came back \(issued.status)")
            }
            let fan = Fan(
                id: fans.count, user: user, concertID: sale.id, token: issued.token, lastHeardMs: now,
                heardBy: process, place: place, movedAtMs: now, nextPollMs: now + Self.stepMs * Int64.random(in: 1...4, using: &rng),
                known: QueueStatus(state: .preQueue, concertID: sale.id))
            fans.append(fan)
            live.append(fan.id)
            latestFan[UserSale(user: user, concertID: sale.id)] = fan.id
            learn(fan.id, issued.status, "issue")
            try await expectFilled(sale.id, after: "fan \(fan.id) arrived")
        default:
            fail("issuing a token in sale \(sale.id) (\(state)) gave \(result)")
        }
    }

    private func poll(_ index: Int) async throws {
        route(index)
        let status = try store.queueStatus(token: fans[index].token)
        heard(index)
        if let last = fans[index].lastPoll, last.state == .waiting, status.state == .waiting, status.position > last.position {
            fail("fan \(index) polled position \(status.position) after \(last.position) at its previous poll")
        }
        learn(index, status, "poll")
        fans[index].lastPoll = status
        fans[index].nextPollMs = now + Self.stepMs * Int64.random(in: 1...4, using: &rng)
    }

    private func goSilent(_ index: Int) {
        fans[index].behaviour = .silent(sinceMs: fans[index].lastHeardMs, heardBy: fans[index].heardBy)
    }

    private func leave(_ index: Int) async throws {
        route(index)
        let wasLive = isLive(fans[index])
        fans[index].behaviour = .left
        let result = try await attempt { [store, token = fans[index].token] in try await store.leave(token: token) }
        heard(index)
        switch result {
        case .success(let status) where wasLive && (status.state == .abandoned || status.state == .expired):
            learn(index, status, "leave")
            try await expectFilled(fans[index].concertID, after: "fan \(index) left")
        case .failure(let error) where !wasLive && error.reason == .tokenExpired:
            break
        default:
            fail("fan \(index) (\(fans[index].known.state), live: \(wasLive)) leaving gave \(result)")
        }
    }

    /// An active fan pays for the seat it holds, or reserves one (mostly a seat the model knows is free; a sold
    /// or held one sends it to another seat, up to three tries) and pays for it now or at a later step.
    private func buy(_ index: Int) async throws {
        route(index)
        if let hold = fans[index].hold { return try await pay(index, hold) }
        let fan = fans[index]
        guard let sale = sales.first(where: { $0.id == fan.concertID }) else { return }
        for _ in 0..<3 {
            let free = sale.seats.filter { !sold.contains($0) && (holds[$0].map { $0.expiresMs <= now } ?? true) }
            let seat = free.isEmpty || Int.random(in: 0..<4, using: &rng) == 0
                ? sale.seats[Int.random(in: 0..<sale.seats.count, using: &rng)]
                : free[Int.random(in: 0..<free.count, using: &rng)]
            let liveHolds = holds.values.filter { $0.user == fan.user && $0.expiresMs > now }.count
            let expected: ConcertError.Reason?
            var ownReservation: Int64?
            if !isLive(fan) {
                expected = .tokenExpired
            } else if sold.contains(seat) {
                expected = .seatAlreadySold
            } else if let hold = holds[seat], hold.expiresMs > now {
                expected = hold.user == fan.user ? nil : .seatAlreadyHeld
                ownReservation = hold.user == fan.user ? hold.reservationID : nil
            } else {
                expected = liveHolds >= Self.maxHoldsPerUser ? .holdLimitReached : nil
            }
            let result = try await attempt { [store] in
                try await store.reserveSeat(
                    token: fan.token, concertID: seat.concertID, date: seat.date, seatNumber: seat.number)
            }
            heard(index)
            switch result {
            case .success(let reservation):
                guard expected == nil, ownReservation.map({ $0 == reservation.id }) ?? true,
                    reservation.price == sale.price, reservation.userID == fan.user, reservation.state == .held
                else {
                    return fail("fan \(index) reserving \(seat) gave \(reservation), expected \(expected?.rawValue ?? "a hold")")
                }
                if ownReservation == nil, reservation.expiresAtMs != now + Self.holdMs {
                    fail("fan \(index)'s new hold ends at \(reservation.expiresAtMs), not now + H")
                }
                let hold = Hold(
                    reservationID: reservation.id, seat: seat, price: reservation.price, expiresMs: reservation.expiresAtMs)
                holds[seat] = SeatHold(user: fan.user, reservationID: reservation.id, expiresMs: reservation.expiresAtMs)
                fans[index].hold = hold
                if Int.random(in: 0..<10, using: &rng) < 7 { try await pay(index, hold) }
                return
            case .failure(let error):
                guard error.reason == expected else {
                    return fail("fan \(index) reserving \(seat) failed \(error.reason.rawValue), expected \(expected?.rawValue ?? "a hold")")
                }
                guard error.reason == .seatAlreadySold || error.reason == .seatAlreadyHeld else { return }
            }
        }
    }

    private func pay(_ index: Int, _ hold: Hold) async throws {
        let fan = fans[index]
        let live = isLive(fan)
        let key = "sim-\(seed)-fan-\(index)-reservation-\(hold.reservationID)"
        let charge = try await attempt { [store] in try await store.charge(token: fan.token, amount: hold.price, idempotencyKey: key) }
        heard(index)
        switch charge {
        case .success(let receipt) where live && !receipt.replayed:
            balances[fan.user, default: 0] += hold.price
            charged += hold.price
            if receipt.balance != balances[fan.user] {
                fail("fan \(index)'s balance after a charge is \(receipt.balance), expected \(balances[fan.user] ?? 0)")
            }
        case .failure(let error) where !live && error.reason == .tokenExpired:
            fans[index].hold = nil
            return
        default:
            return fail("fan \(index) (live: \(live)) charging \(hold.price) gave \(charge)")
        }
        let payment = try await attempt { [store] in try await store.pay(token: fan.token, reservationID: hold.reservationID) }
        fans[index].hold = nil
        switch payment {
        case .success(let receipt) where hold.expiresMs > now:
            balances[fan.user, default: 0] -= hold.price
            paid += hold.price
            sold.insert(hold.seat)
            holds[hold.seat] = nil
            fans[index].behaviour = .paid
            fans[index].known = QueueStatus(state: .expired, concertID: fan.concertID)
            if receipt.amount != hold.price || receipt.balance != balances[fan.user] || receipt.reservation.state != .paid {
                fail("fan \(index)'s payment receipt \(receipt) does not match the model")
            }
            try await expectFilled(fan.concertID, after: "fan \(index) paid")
        case .failure(let error) where hold.expiresMs <= now && error.reason == .holdExpired:
            break
        default:
            fail("fan \(index) paying reservation \(hold.reservationID) (hold ends \(hold.expiresMs)) gave \(payment)")
        }
    }

    /// Closes the store of the current place (a process ending) and opens a new process there.
    private func restart() throws {
        store.close()
        closedProcesses.insert(process)
        processes[place] = (processes.max() ?? 0) + 1
        stores[place] = try Self.openStore(harness)
        nextRestartStep = step + Int.random(in: 30...50, using: &rng)
    }

    // MARK: - What is learned and checked

    /// Takes in a status of fan `index` learned now from `source`, checking that it follows from the last one.
    private func learn(_ index: Int, _ status: QueueStatus, _ source: String) {
        let fan = fans[index]
        let before = fan.known
        func problem(_ text: String) { fail("fan \(index) (\(fan.behaviour), sale \(fan.concertID)) \(source): \(text)") }
        if status.concertID != fan.concertID { problem("status names sale \(status.concertID)") }
        let allowed: Set<TokenState> =
            switch before.state {
            case .preQueue: [.preQueue, .waiting, .active, .expired, .abandoned]
            case .waiting: [.waiting, .active, .expired, .abandoned]
            case .active: [.active, .expired]
            case .expired: [.expired]
            case .abandoned: [.abandoned]
            case .revoked: [.revoked]
            }
        if !allowed.contains(status.state) { problem("went from \(before.state) to \(status.state)") }
        if status.state == .waiting {
            if status.position < 1 || status.ahead != status.position - 1 {
                problem("waits at position \(status.position) with \(status.ahead) ahead")
            }
            if before.state == .waiting, status.position > before.position {
                problem("position went up from \(before.position) to \(status.position)")
            }
        } else if status.position != 0 || status.ahead != 0 {
            problem("is \(status.state) with position \(status.position)")
        }
        if fan.admittedAtMs == nil, status.state == .active || status.state == .expired {
            fans[index].admittedAtMs = now
            admissions[fan.concertID, default: []].append(now)
            if case .silent = fan.behaviour, now > settleInstant(fan, limitMs: Self.graceMs) {
                problem("admitted although silent since \(silentFor(fan)) ms (dropped by then)")
            }
        }
        if status.state == .active, status.expiresAtMs != (fans[index].admittedAtMs ?? 0) + Self.lifetimeMs {
            problem("active until \(status.expiresAtMs ?? 0), not admission + T")
        }
        if case .silent = fan.behaviour {
            let dropped = status.state == .abandoned && before.state != .abandoned
            let idled = status.state == .expired && before.state != .expired
                && now < (fans[index].admittedAtMs ?? 0) + Self.lifetimeMs
            if (dropped || idled), now < settleInstant(fan, limitMs: dropped ? Self.graceMs : Self.idleMs) {
                problem("was \(dropped ? "dropped" : "expired") after only \(silentFor(fan)) ms of silence")
            }
        }
        if fan.behaviour == .present {
            if status.state == .abandoned { problem("was dropped although present") }
            if status.state == .expired, now < (fans[index].admittedAtMs ?? 0) + Self.lifetimeMs {
                problem("expired before its lifetime ended although present")
            }
        }
        fans[index].known = status
    }

    /// Issuing a token, leaving and paying admit from the head of the sale's line in the same transaction, so
    /// right after one an open sale without a K cap has N active fans or nobody waiting (read through the
    /// observer). Skipped at the opening instant of a pre-queued sale, whose pre-queue is placed by the next
    /// admission round.
    private func expectFilled(_ concertID: Int64, after action: String) async throws {
        guard let sale = sales.first(where: { $0.id == concertID }), sale.cap == nil, sale.state(at: now) == .open,
            now != sale.opensAtMs
        else { return }
        let line = try observer.saleLine(concertID: concertID)
        if line.waiting > 0, line.active < Int64(sale.maxActive) {
            fail("sale \(concertID) has \(line.waiting) waiting and \(line.active) of \(sale.maxActive) active after \(action)")
        }
    }

    /// The step at which the store settles silent `fan` (drops it if waiting, expires it if active), neither
    /// before nor after: `limitMs` after it was last heard if the process that heard it kept presence that
    /// long; else the first step at which that process's last heartbeat is more than G old, when a live process
    /// settles the fans of the dead one. (So a fan heard last by a process that then stopped is dropped up to
    /// G + G + one step after it went silent, not within G + 2 s: only that process knew when it last called.)
    private func settleInstant(_ fan: Fan, limitMs: Int64) -> Int64 {
        guard case .silent(let since, let listener) = fan.behaviour else { return .max }
        if closedProcesses.contains(listener), let beat = lastBeatMs[listener], beat < since + limitMs {
            return beat + Self.graceMs + Self.stepMs
        }
        return since + limitMs
    }

    private func silentFor(_ fan: Fan) -> Int64 {
        guard case .silent(let since, _) = fan.behaviour else { return 0 }
        return now - since
    }

    /// The checks after a step: every live fan's status through the observer, the sales' lines, a few final
    /// tokens, and the store's audit against the seat and money model.
    private func check() async throws {
        var active: [Int64: Int] = [:]
        var positions: [Int64: [Int64]] = [:]
        var stillLive: [Int] = []
        for index in live {
            let status = try observer.queueStatus(token: fans[index].token)
            learn(index, status, "observed")
            let fan = fans[index]
            switch status.state {
            case .active: active[fan.concertID, default: 0] += 1
            case .waiting: positions[fan.concertID, default: []].append(status.position)
            case .preQueue:
                if let sale = sales.first(where: { $0.id == fan.concertID }), now >= sale.opensAtMs {
                    fail("fan \(index) is still pre-queued after sale \(sale.id) opened and admission ran")
                }
            case .expired, .abandoned, .revoked: break
            }
            switch (fan.behaviour, status.state) {
            case (.silent, .preQueue), (.silent, .waiting):
                if now >= settleInstant(fan, limitMs: Self.graceMs) {
                    fail("fan \(index) is still \(status.state) after \(silentFor(fan)) ms of silence")
                }
            case (.silent, .active):
                if now >= settleInstant(fan, limitMs: Self.idleMs) {
                    fail("fan \(index) is still active after \(silentFor(fan)) ms of silence")
                }
            case (.left, .preQueue), (.left, .waiting), (.left, .active), (.paid, .preQueue), (.paid, .waiting),
                (.paid, .active), (.paid, .abandoned):
                fail("fan \(index) is \(status.state) after it \(fan.behaviour)")
            default: break
            }
            if status.state == .expired || status.state == .abandoned {
                finished.append(index)
            } else {
                stillLive.append(index)
            }
        }
        live = stillLive
        for sale in sales {
            let activeCount = active[sale.id] ?? 0
            let waiting = (positions[sale.id] ?? []).sorted()
            let recent = (admissions[sale.id] ?? []).filter { $0 > now - SimulatedSale.capIntervalMs }.count
            if activeCount > sale.maxActive { fail("sale \(sale.id) has \(activeCount) active fans, N = \(sale.maxActive)") }
            if waiting != (0..<waiting.count).map({ Int64($0) + 1 }) {
                fail("sale \(sale.id)'s waiting fans hold positions \(waiting), not 1...\(waiting.count)")
            }
            if let cap = sale.cap, recent > cap {
                fail("sale \(sale.id) admitted \(recent) in the last \(SimulatedSale.capIntervalMs) ms, K = \(cap)")
            }
            guard sale.state(at: now) == .open, !waiting.isEmpty, activeCount < sale.maxActive else { continue }
            if sale.cap == nil || recent == 0 {
                fail("sale \(sale.id) stalls: \(waiting.count) waiting, \(activeCount) of \(sale.maxActive) active")
            }
        }
        for _ in 0..<min(3, finished.count) {
            let index = finished[Int.random(in: 0..<finished.count, using: &rng)]
            let status = try observer.queueStatus(token: fans[index].token)
            if status.state != fans[index].known.state {
                fail("fan \(index)'s final \(fans[index].known.state) token is now \(status.state)")
            }
        }
        let report = try await store.audit()
        let liveHolds = holds.values.filter { $0.expiresMs > now }.count
        if !report.violations.isEmpty { fail("the audit found \(report.violations)") }
        if report.soldSeats != sold.count || report.liveHolds != liveHolds || report.totalCharged != charged
            || report.totalPaid != paid
        {
            fail(
                "the audit counts \(report.soldSeats) sold, \(report.liveHolds) held, \(report.totalCharged) charged, "
                    + "\(report.totalPaid) paid; the model \(sold.count), \(liveHolds), \(charged), \(paid)")
        }
    }

    private func fail(_ message: String) {
        failures += 1
        Issue.record("seed \(seed), \(here): \(message)")
    }

    /// The outcome of a store call that may fail with a domain error; any other error ends the run.
    private func attempt<Value>(_ body: () async throws -> Value) async throws -> Result<Value, ConcertError> {
        do {
            return .success(try await body())
        } catch let error as ConcertError {
            return .failure(error)
        }
    }
}
