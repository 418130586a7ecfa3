public import ConcertDomain
import ConcertProtocol
public import ConcertRPC
public import ConcertServer
import ConcertStore
public import Foundation
public import Logging

/// A live concert server on loopback with its database file in a temporary folder (or, in the
/// PostgreSQL pass, a database of its own; see ``TestDatabase``): the one server helper of every test suite.
public struct LiveServer: Sendable {
    /// The running server.
    public let application: ConcertApplication
    /// The folder holding the database (and the catalog file, when one was given).
    public let directory: URL
    /// The database file, or PostgreSQL URL.
    public let databasePath: String
    /// Whether ``stop(keepingFiles:)`` drops the database (one this helper made on PostgreSQL).
    private let ownsDatabase: Bool
    /// The client the `.client` call path uses (see ``CallPath``).
    public let clients = ClientPool()
    private let jobs: Task<Void, Never>?

    /// The port it listens on.
    public var port: Int { application.port }

    /// Starts a server on `port` (0 picks a free one) with the database at `databasePath` (else in
    /// `directory`, else in a new temporary folder). `clock` lets tests move time; with `backgroundJobs`
    /// the admission and presence jobs run as in `concert-server`; `adminSecret` turns AdminService on.
    public static func start(
        backgroundJobs: Bool = true,
        port: Int = 0,
        directory: URL? = nil,
        databasePath: String? = nil,
        queue: QueuePolicy = QueuePolicy(),
        hold: HoldPolicy = HoldPolicy(),
        presence: PresencePolicy = PresencePolicy(),
        clock: any ConcertClock = SystemClock(),
        maxFrameSize: Int = FrameParser.defaultMaxFrameSize,
        maxInFlight: Int = TransportConfiguration.defaultMaxInFlight,
        catalog: Catalog? = nil,
        userAuthentication: UserAuthentication = .trusted,
        adminSecret: String? = nil
    ) async throws -> LiveServer {
        let directory =
            directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("concert-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var catalogPath: String?
        if let catalog {
            let file = directory.appendingPathComponent("catalog.json")
            try JSONEncoder().encode(catalog).write(to: file)
            catalogPath = file.path
        }
        let path = try databasePath ?? TestDatabase.fresh(in: directory)
        let configuration = ServerConfiguration(
            transport: TransportConfiguration(
                host: "127.0.0.1", port: port, maxFrameSize: maxFrameSize, maxInFlightPerConnection: maxInFlight),
            store: StoreConfiguration(database: path, queue: queue, hold: hold, presence: presence),
            catalogPath: catalogPath,
            userAuthentication: userAuthentication,
            adminSecret: adminSecret.map { Array($0.utf8) })
        let application = try await ConcertApplication.start(configuration: configuration, clock: clock, logger: quietLogger)
        let jobs = backgroundJobs ? Task { await application.runBackgroundJobs() } : nil
        return LiveServer(
            application: application, directory: directory, databasePath: path,
            ownsDatabase: databasePath == nil, jobs: jobs)
    }

    /// Shuts the server down; its folder is removed unless `keepingFiles`.
    public func stop(keepingFiles: Bool = false) async {
        await clients.close()
        jobs?.cancel()
        await jobs?.value
        await application.shutdown()
        if !keepingFiles {
            try? FileManager.default.removeItem(at: directory)
            if ownsDatabase { TestDatabase.remove(databasePath) }
        }
    }
}

/// A logger that reports only warnings and worse.
public let quietLogger: Logger = {
    var logger = Logger(label: "concert-tests")
    logger.logLevel = .warning
    return logger
}()

/// Runs `body` against a fresh live server (see ``LiveServer/start(backgroundJobs:port:directory:databasePath:queue:hold:presence:clock:maxFrameSize:maxInFlight:catalog:userAuthentication:adminSecret:)``)
/// and always stops it afterwards.
public func withLiveServer<T>(
    backgroundJobs: Bool = true,
    queue: QueuePolicy = QueuePolicy(),
    hold: HoldPolicy = HoldPolicy(),
    clock: any ConcertClock = SystemClock(),
    maxFrameSize: Int = FrameParser.defaultMaxFrameSize,
    maxInFlight: Int = TransportConfiguration.defaultMaxInFlight,
    catalog: Catalog? = nil,
    adminSecret: String? = nil,
    _ body: (LiveServer) async throws -> T
) async throws -> T {
    let server = try await LiveServer.start(
        backgroundJobs: backgroundJobs, queue: queue, hold: hold, clock: clock, maxFrameSize: maxFrameSize,
        maxInFlight: maxInFlight, catalog: catalog, adminSecret: adminSecret)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
