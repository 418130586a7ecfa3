import ConcertDomain
import Foundation

/// The ticketing store: the one interface the handlers use, on a ``StorageEngine`` (SQLite by default).
///
/// Every rule that checks and then writes runs as one job of the engine's writer, inside one transaction
/// that writers of every process take in turn wherever their jobs' scopes meet (``WriteScope``), so rules
/// hold across several stores, processes or hosts sharing one database. Reads see one snapshot and never wait for writes. A successful write has been
/// committed durably.
public final class ConcertStore: Sendable {
    private let configuration: StoreConfiguration
    private let clock: any ConcertClock
    private let engine: any StorageEngine
    private let admissionRate = AdmissionRate()
    private let droppedPlaces = DroppedPlaces()
    let presence = PresenceTracker(serverID: UUID().uuidString.lowercased())
    /// Builds the session of one unit of work on a connection, at the clock's instant when it starts.
    private let makeSession: @Sendable (any SQLDatabase) -> Session
    /// This server's view of the lines, where the engine keeps one (``StorageEngine/keepsLineViews``).
    let lines: LineReader?
    /// Gathers concurrent charges into one write job (see ``Session/charges(_:)``), where the engine writes
    /// in bulk (``StorageEngine/writesInBulk``).
    let chargeGatherer: WriteGatherer<ChargeRequest, ChargeReceipt>?
    /// Gathers concurrent joins into one write job (see ``Session/issueTokens(_:)``), where the engine writes
    /// in bulk.
    let joinGatherer: WriteGatherer<JoinRequest, IssuedToken>?

    /// Opens the SQLite database file `configuration.database` (see ``init(engine:configuration:clock:)``).
    /// A database that cannot be written (a read-only file, folder or mount, a full disk) is refused with
    /// ``StoreOpeningError``, so a server never starts on storage that will fail every write.
    public convenience init(configuration: StoreConfiguration, clock: any ConcertClock) throws {
        let engine = try SQLiteEngine(
            path: configuration.database, maxBatchSize: configuration.maxBatchSize,
            busyTimeoutMs: configuration.busyTimeoutMs)
        try self.init(engine: engine, configuration: configuration, clock: clock)
    }

    /// A store on `engine` (opened and migrated), which records this process's first heartbeat (so the fans
    /// it hears are settled by others should it die before its first presence round). A heartbeat that
    /// cannot be written is refused with ``StoreOpeningError``.
    public init(engine: any StorageEngine, configuration: StoreConfiguration, clock: any ConcertClock) throws {
        self.configuration = configuration
        self.clock = clock
        self.engine = engine
        let makeSession = Self.sessionMaker(
            configuration: configuration, clock: clock, admissionRate: admissionRate, droppedPlaces: droppedPlaces,
            presence: presence, logsTokenChanges: engine.keepsLineViews)
        self.makeSession = makeSession
        chargeGatherer = !engine.writesInBulk ? nil : WriteGatherer(
            limit: Self.gatheredRequestLimit, submit: engine.submit, scope: { .only([.tokenUser($0.token)]) }
        ) { connection, requests in try makeSession(connection).charges(requests) }
        joinGatherer = !engine.writesInBulk ? nil : WriteGatherer(
            limit: Self.gatheredRequestLimit, submit: engine.submit, scope: { .only([.sale($0.concertID)]) }
        ) { connection, requests in try makeSession(connection).issueTokens(requests) }
        lines = engine.keepsLineViews
            ? LineReader(
                clock: clock, presence: presence, graceMs: configuration.presence.graceMs, droppedPlaces: droppedPlaces
            ) { light, position, tokens, seatMaps, generation, beganNs in
                engine.readLineView { connection in
                    try makeSession(connection).lineRefresh(
                        light: light, after: position, tokens: tokens, seatMaps: seatMaps, generation: generation,
                        beganNs: beganNs)
                }
            }
            : nil
        presence.whenClaimsQueued { [presence] in
            engine.submit(WriteJob.make(scope: .everything, { connection in
                try makeSession(connection).claim(presence.takeClaimsToWrite())
            }, completion: { _ in }))
        }
        let serverID = presence.serverID
        let now = clock.now()
        let heartbeat = writing(scope: .everything) { session in
            try session.db.execute("INSERT INTO servers (id, heartbeat_ms) VALUES (?1, ?2)", serverID, now)
        }
        do {
            _ = try heartbeat.wait()
        } catch let error as ConcertError where StorageHealth.storageFailure(error) != nil {
            engine.close()
            throw StoreOpeningError(database: configuration.database, problem: error.logNote ?? error.message)
        } catch {
            engine.close()
            throw error
        }
        guard let lines else { return }
        lines.start()
        do {
            try lines.waitForFirstRefresh()
        } catch {
            close()
            throw StoreOpeningError(
                database: configuration.database,
                problem: "the view of the lines could not be read: \((error as? ConcertError)?.message ?? "\(error)")")
        }
    }

    /// Whether this server's view of the lines is behind the database (its last refresh failed, or the one
    /// running has taken more than its bound of 1 s), so that statuses and line reports are answered
    /// LINE_VIEW_BEHIND; false where the engine keeps no view.
    public var lineViewIsBehind: Bool { lines?.isBehind ?? false }

    /// Why writes fail now (STORAGE_FULL or STORAGE_UNAVAILABLE), or nil while they commit. Set by a write
    /// that failed that way, cleared by the next commit that changed something.
    public var storageProblem: ConcertError.Reason? { engine.storageProblem }

    /// Commits a one-row write to learn whether writes succeed again; a success clears ``storageProblem``.
    public func probeStorage() async {
        _ = try? await write(scope: .everything) { session in try session.touchProbe() }
    }

    deinit {
        close()
    }

    /// Commits every queued write, stops the writer and closes all connections; idempotent. Requests made
    /// afterwards fail with STORE_BUSY.
    public func close() {
        lines?.stop()
        engine.close()
    }

    /// The most requests one gathered write job runs.
    private static let gatheredRequestLimit = 256

    /// Whether the engine runs a batch of requests with a few statements over lists
    /// (``StorageEngine/writesInBulk``).
    var writesInBulk: Bool { engine.writesInBulk }

    /// The store clock's current instant (Unix ms).
    var clockNow: Int64 { clock.now() }

    /// Runs `body`, which changes only what `scope` covers, as one job of the writer's next batch and returns
    /// its result once that batch committed.
    func write<Value: Sendable>(
        scope: WriteScope, _ body: @escaping @Sendable (Session) throws -> Value
    ) async throws -> Value {
        try await writing(scope: scope, body).value()
    }

    /// The write that runs `body`, which changes only what `scope` covers, as one job of the writer's next
    /// batch.
    func writing<Value: Sendable>(
        scope: WriteScope, _ body: @escaping @Sendable (Session) throws -> Value
    ) -> StoreWrite<Value> {
        let makeSession = self.makeSession
        let engine = self.engine
        return StoreWrite { completion in
            engine.submit(
                WriteJob.make(scope: scope, { connection in try body(makeSession(connection)) }, completion: completion))
        }
    }

    /// Runs `body` in a read snapshot (see ``StorageEngine/read(fresh:_:)``); `fresh` takes a new snapshot
    /// even when the open one may be reused.
    func reading<Value: Sendable>(
        fresh: Bool = false, _ body: @escaping @Sendable (Session) throws -> Value
    ) -> StoreRead<Value> {
        let makeSession = self.makeSession
        return engine.read(fresh: fresh) { connection in try body(makeSession(connection)) }
    }

    /// The builder of the sessions of one store's units of work, each at the clock's instant when it starts.
    private static func sessionMaker(
        configuration: StoreConfiguration, clock: any ConcertClock, admissionRate: AdmissionRate,
        droppedPlaces: DroppedPlaces, presence: PresenceTracker, logsTokenChanges: Bool
    ) -> @Sendable (any SQLDatabase) -> Session {
        let queuePolicy = configuration.queue
        let holdPolicy = configuration.hold
        let presencePolicy = configuration.presence
        return { connection in
            Session(
                db: connection, now: clock.now(), queuePolicy: queuePolicy, holdPolicy: holdPolicy,
                admissionRate: admissionRate, droppedPlaces: droppedPlaces, presence: presence,
                presencePolicy: presencePolicy, logsTokenChanges: logsTokenChanges)
        }
    }

    /// Ends the read snapshots nobody reused (see ``StorageEngine/endIdleSnapshots()``).
    func closeStaleSnapshots() {
        engine.endIdleSnapshots()
    }
}
