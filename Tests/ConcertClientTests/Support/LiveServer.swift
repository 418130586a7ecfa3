import ConcertDomain
import ConcertProtocol
import ConcertRPC
import ConcertServer
import ConcertStore
import Foundation
import Logging

/// A live concert server on loopback with its database file in a temporary folder, its
/// admission and presence jobs running.
struct LiveServer {
    let application: ConcertApplication
    let directory: URL
    let jobs: Task<Void, Never>

    var port: Int { application.port }

    /// Starts a server on `port` (0 picks a free one) with the database in `directory`
    /// (a new temporary folder when nil).
    static func start(
        port: Int = 0,
        directory: URL? = nil,
        queue: QueuePolicy = QueuePolicy(),
        maxFrameSize: Int = FrameParser.defaultMaxFrameSize,
        catalog: Catalog? = nil
    ) async throws -> LiveServer {
        let directory =
            directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("concert-client-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var catalogPath: String?
        if let catalog {
            let file = directory.appendingPathComponent("catalog.json")
            try JSONEncoder().encode(catalog).write(to: file)
            catalogPath = file.path
        }
        let configuration = ServerConfiguration(
            transport: TransportConfiguration(host: "127.0.0.1", port: port, maxFrameSize: maxFrameSize),
            store: StoreConfiguration(
                path: directory.appendingPathComponent("concert.db").path, queue: queue, hold: HoldPolicy()),
            catalogPath: catalogPath)
        let application = try await ConcertApplication.start(configuration: configuration, logger: quietLogger)
        let jobs = Task { await application.runBackgroundJobs() }
        return LiveServer(application: application, directory: directory, jobs: jobs)
    }

    /// Shuts the server down; its folder is removed unless `keepingFiles`.
    func stop(keepingFiles: Bool = false) async {
        jobs.cancel()
        await jobs.value
        await application.shutdown()
        if !keepingFiles { try? FileManager.default.removeItem(at: directory) }
    }
}

/// A logger that reports only warnings and worse.
let quietLogger: Logger = {
    var logger = Logger(label: "concert-client-tests")
    logger.logLevel = .warning
    return logger
}()

/// Runs `body` against a fresh live server and always stops it afterwards.
func withLiveServer<T>(
    queue: QueuePolicy = QueuePolicy(),
    maxFrameSize: Int = FrameParser.defaultMaxFrameSize,
    catalog: Catalog? = nil,
    _ body: (LiveServer) async throws -> T
) async throws -> T {
    let server = try await LiveServer.start(queue: queue, maxFrameSize: maxFrameSize, catalog: catalog)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
