import ConcertRPC
import ConcertServer
import Logging
import ServiceLifecycle

/// Runs the application under swift-service-lifecycle: on SIGTERM or SIGINT it stops
/// accepting, answers the requests in flight, closes the database and returns.
struct ServerService: Service {
    let configuration: ServerConfiguration
    let logger: Logger

    func run() async throws {
        let application = try await ConcertApplication.start(configuration: configuration, logger: logger)
        logger.info(
            "listening",
            metadata: [
                "host": "\(configuration.transport.host)", "port": "\(application.port)",
                "database": "\(configuration.store.database)", "max-connections": "\(application.maxConnections)",
                "open-file-limit": "\(FileDescriptorLimit.current.map(String.init) ?? "unknown")",
            ])
        await cancelWhenGracefulShutdown {
            await application.runBackgroundJobs()
        }
        logger.info("shutting down: finishing requests in flight")
        await application.shutdown()
        logger.info("stopped")
    }
}
