public import ConcertDomain
public import ConcertStore
import ConcertStorePostgres
import ConcertProtocol
public import ConcertRPC
import Foundation
public import Logging
import Synchronization

/// The running server: the store, the four services, the system service and the operators' admin service
/// behind one dispatcher, the TCP transport, and the background admission job.
public final class ConcertApplication: Sendable {
    /// The server's version, reported by the health check.
    public static let version = ConcertVersion.current

    /// The store the services use.
    public let store: ConcertStore
    /// The dispatcher, to serve requests in-process without the transport (tests run the
    /// same calls against it and against the live server).
    public let dispatcher: Dispatcher
    private let server: RPCServer
    private let serving: ServingState
    private let watchers: QueueWatchers
    private let configuration: ServerConfiguration
    private let logger: Logger
    private let draining = Mutex<Task<Void, Never>?>(nil)

    /// Opens the database, loads the catalog, and starts listening.
    public static func start(
        configuration: ServerConfiguration,
        clock: any ConcertClock = SystemClock(),
        logger: Logger
    ) async throws -> ConcertApplication {
        let store = try ConcertStore.open(configuration: configuration.store, clock: clock)
        do {
            if let path = configuration.catalogPath {
                try await store.loadCatalog(try catalog(at: path))
            }
            if configuration.seedDemoCatalog {
                try await store.seedDemoCatalogIfEmpty()
            }
            let serving = ServingState(store: store)
            let verifier: UserTokenVerifier? =
                switch configuration.userAuthentication {
                case .trusted: nil
                case .jwt(let keys): try await UserTokenVerifier(keys: keys, clock: clock)
                }
            let watchers = QueueWatchers(
                store: store, clock: clock,
                heartbeatMs: WatchCadence.heartbeatMs(presenceGraceMs: configuration.store.presence.graceMs))
            let credentials = OperatorCredentials(secret: configuration.adminSecret, verifier: verifier, logger: logger)
            if !credentials.isEnabled {
                logger.notice("AdminService is off: give --admin-secret-file or --user-auth jwt to turn it on")
            }
            let catalogPath = configuration.catalogPath
            let admin = AdminHandler(store: store, clock: clock, credentials: credentials) { madeBy in
                reloadCatalog(from: catalogPath, into: store, by: madeBy)
            }
            let dispatcher = Dispatcher(
                routes: SystemHandler(version: version, clock: clock, health: serving).routes
                    + AuthHandler(store: store, verifier: verifier).routes
                    + QueueHandler(store: store, clock: clock, watchers: watchers).routes
                    + ReservationHandler(store: store, clock: clock).routes
                    + PaymentHandler(store: store).routes
                    + admin.routes,
                logger: logger,
                translate: RPCError.translatingDomainErrors(logger: logger))
            let server = try await RPCServer(
                configuration: configuration.transport, dispatcher: dispatcher, logger: logger)
            return ConcertApplication(
                store: store, dispatcher: dispatcher, server: server, serving: serving, watchers: watchers,
                configuration: configuration, logger: logger)
        } catch {
            store.close()
            throw error
        }
    }

    private init(
        store: ConcertStore, dispatcher: Dispatcher, server: RPCServer, serving: ServingState, watchers: QueueWatchers,
        configuration: ServerConfiguration, logger: Logger
    ) {
        self.store = store
        self.dispatcher = dispatcher
        self.server = server
        self.serving = serving
        self.watchers = watchers
        self.configuration = configuration
        self.logger = logger
    }

    /// Reads the catalog file (`--catalog`) again and serves what it adds (``ConcertStore/reloadCatalog(_:by:)``);
    /// INVALID_CATALOG when the server has no catalog file or the file is invalid (nothing changes then).
    public func reloadCatalog(by madeBy: Operator) async throws -> CatalogAddition {
        try await Self.reloadCatalog(from: configuration.catalogPath, into: store, by: madeBy).value()
    }

    /// The write that loads what the catalog file at `path` adds; INVALID_CATALOG without a file, or for one
    /// that cannot be read or is invalid.
    private static func reloadCatalog(from path: String?, into store: ConcertStore, by madeBy: Operator)
        -> StoreWrite<CatalogAddition>
    {
        do {
            guard let path else {
                throw ConcertError(
                    .invalidCatalog, "The server was started without --catalog: there is no file to reload.")
            }
            return store.reloadCatalog(try catalog(at: path), by: madeBy)
        } catch {
            return StoreWrite(failure: error)
        }
    }

    /// The catalog in the file at `path`; INVALID_CATALOG when it cannot be read or decoded.
    private static func catalog(at path: String) throws -> Catalog {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConcertError(.invalidCatalog, "The catalog file \(path) cannot be read.")
        }
        return try Catalog.decode(jsonData: data)
    }

    /// The TCP port the server listens on.
    public var port: Int { server.port }

    /// The most connections the server holds at once.
    public var maxConnections: Int { server.maxConnections }

    /// How many fans watch their place (`WatchQueue`) on this server now.
    public var watchingFans: Int { watchers.count }

    /// Refills free active places from the head of the line every admission interval,
    /// until the calling task is cancelled. While writes fail for lack of storage it probes
    /// the storage each interval, and logs when writes start and stop failing.
    public func runAdmissionJob() async {
        let interval = Duration.milliseconds(configuration.admissionIntervalMs)
        var reportedProblem: ConcertError.Reason?
        while !Task.isCancelled {
            let problem = store.storageProblem
            if problem != reportedProblem {
                if let problem {
                    logger.error("writes are failing; health reports NOT_SERVING", metadata: ["reason": "\(problem.rawValue)"])
                } else {
                    logger.notice("writes succeed again; health reports SERVING")
                }
                reportedProblem = problem
            }
            if problem != nil { await store.probeStorage() }
            do {
                let admitted = try await store.admitWaiting()
                if admitted > 0 { logger.debug("admitted from the waiting line", metadata: ["count": "\(admitted)"]) }
            } catch {
                logger.warning("admission job failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Keeps presence every second until the calling task is cancelled: drops fans who went
    /// silent, expires idle active ones, settles the fans of dead server processes (see
    /// `ConcertStore.keepPresence`).
    public func runPresenceJob() async {
        while !Task.isCancelled {
            do {
                let round = try await store.keepPresence()
                if round.dropped + round.expired > 0 {
                    logger.debug(
                        "presence", metadata: ["dropped": "\(round.dropped)", "expired": "\(round.expired)"])
                }
            } catch {
                logger.warning("presence job failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Publishes every sale's figures (``SaleStats``) as metrics (``SaleMetrics``) every 5 seconds, until the
    /// calling task is cancelled. One read of every sale; nothing when no metrics backend was bootstrapped but
    /// the read.
    public func runSaleMetricsJob() async {
        let metrics = SaleMetrics()
        while !Task.isCancelled {
            do {
                for stats in try await store.allSaleStats().value() {
                    metrics.publish(stats)
                }
            } catch {
                logger.debug("sale metrics skipped a round", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(5))
        }
    }

    /// Looks at the watched tokens that are due every 100 ms (see `QueueWatchers`), until the calling
    /// task is cancelled.
    public func runWatchJob() async {
        while !Task.isCancelled {
            await lookAtWatchers()
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// One round of the watch job, now: the watched tokens that are due at the clock's now are looked at.
    public func lookAtWatchers() async {
        await watchers.lookAtDue()
    }

    /// Runs the admission, presence, watch and sale-metrics jobs until the calling task is cancelled.
    public func runBackgroundJobs() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.runAdmissionJob() }
            group.addTask { await self.runPresenceJob() }
            group.addTask { await self.runWatchJob() }
            group.addTask { await self.runSaleMetricsJob() }
        }
    }

    /// Drains the server: health reports NOT_SERVING, the listening socket closes (no new connections),
    /// every open `WatchQueue` ends at once with UNAVAILABLE / `SERVER_DRAINING` (its client watches again on
    /// another server and keeps its place), calls arriving meanwhile are answered UNAVAILABLE /
    /// `SHUTTING_DOWN` without running, and the calls in flight are answered; each connection closes once it
    /// has none left (hard after the transport's shutdown grace). Logs how long the drain took and how many
    /// watches it moved. The background jobs may go on meanwhile (admitting fans is still useful); a second
    /// call waits for the first drain.
    public func drain() async {
        let drain = draining.withLock { running in
            if let running { return running }
            let started = Task { await self.drainNow() }
            running = started
            return started
        }
        await drain.value
    }

    private func drainNow() async {
        serving.stopServing()
        let watches = watchers.count
        let started = ContinuousClock.now
        await server.shutdownGracefully()
        let drainMs = (ContinuousClock.now - started) / .milliseconds(1)
        logger.notice("drained", metadata: ["watches-moved": "\(watches)", "duration-ms": "\(Int(drainMs.rounded()))"])
    }

    /// Drains the server (``drain()``, if no one has), then closes the store once every write has committed.
    public func shutdown() async {
        await drain()
        store.close()
    }
}
