import ConcertDomain
import ConcertProtocol
import ConcertRPC
import ConcertServer
import ConcertStore
import Foundation
import Logging

/// A live server on a free loopback port with a fresh database file in a temporary folder.
struct TestServer {
    let application: ConcertApplication
    let directory: URL
    let databasePath: String

    var port: Int { application.port }

    /// Starts a server; `clock` lets tests move time.
    static func start(
        queue: QueuePolicy = QueuePolicy(),
        hold: HoldPolicy = HoldPolicy(),
        clock: any ConcertClock = SystemClock(),
        maxFrameSize: Int = FrameParser.defaultMaxFrameSize,
        maxInFlight: Int = TransportConfiguration.defaultMaxInFlight,
        databasePath: String? = nil,
        userAuthentication: UserAuthentication = .trusted
    ) async throws -> TestServer {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("concert-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = databasePath ?? directory.appendingPathComponent("concert.db").path
        let configuration = ServerConfiguration(
            transport: TransportConfiguration(
                host: "127.0.0.1", port: 0, maxFrameSize: maxFrameSize, maxInFlightPerConnection: maxInFlight),
            store: StoreConfiguration(path: path, queue: queue, hold: hold),
            userAuthentication: userAuthentication)
        var logger = Logger(label: "test-server")
        logger.logLevel = .warning
        let application = try await ConcertApplication.start(configuration: configuration, clock: clock, logger: logger)
        return TestServer(application: application, directory: directory, databasePath: path)
    }

    /// Shuts the server down and removes its folder.
    func stop() async {
        await application.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs `body` against a fresh server and always stops it afterwards.
func withTestServer<T>(
    queue: QueuePolicy = QueuePolicy(),
    hold: HoldPolicy = HoldPolicy(),
    clock: any ConcertClock = SystemClock(),
    maxFrameSize: Int = FrameParser.defaultMaxFrameSize,
    maxInFlight: Int = TransportConfiguration.defaultMaxInFlight,
    _ body: (TestServer) async throws -> T
) async throws -> T {
    let server = try await TestServer.start(
        queue: queue, hold: hold, clock: clock, maxFrameSize: maxFrameSize, maxInFlight: maxInFlight)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
